"""Language identification on short paragraphs: paratopic's `lang` (whatlang, with the document
fallback) against lingua, on the same texts cut to 40, 80 and 160 characters and whole.

    python3 -m venv bench/.langid && bench/.langid/bin/pip install lingua-language-detector
    cargo build --release && bench/.langid/bin/python bench/langid.py

Texts: every authored paragraph (its `lang`), the English dev set, 400 gnad leads (German,
from ../shared/data; skipped when absent) and a few French, Spanish and Russian lines.
"""
import json, subprocess, glob, time, random, sys, os
from lingua import Language, LanguageDetectorBuilder
random.seed(0)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
samples = []  # (text, gold)
for f in glob.glob(ROOT + '/corpus/authored/*.jsonl'):
    for l in open(f):
        d = json.loads(l); samples.append((d['text'], d.get('lang', 'de')))
for l in open(ROOT + '/corpus/dev/en-real.jsonl'):
    samples.append((json.loads(l)['text'], 'en'))
gnad = ROOT + '/../shared/data/gnad-test.jsonl'
if os.path.exists(gnad):
    g = [json.loads(l)['text'] for l in open(gnad)]
    for t in random.sample(g, 400):
        samples.append((t[:400], 'de'))
# French/Spanish/Russian controls written here for the measurement only.
extra = {
 'fr': ["L'Assemblée générale prie le Secrétaire général de lui présenter un rapport sur la sécurité des technologies de l'information.",
        "Le Conseil de sécurité décide de rester saisi de la question.", "La réunion a été reportée à la semaine prochaine.",
        "Les États membres sont invités à coopérer dans la lutte contre la cybercriminalité."],
 'es': ["La Asamblea General solicita al Secretario General que le presente un informe sobre la seguridad de las tecnologías de la información.",
        "El Consejo de Seguridad decide seguir ocupándose de la cuestión.", "La reunión se aplazó hasta la próxima semana."],
 'ru': ["Генеральная Ассамблея просит Генерального секретаря представить доклад о безопасности информационных технологий.",
        "Совет Безопасности постановляет продолжать заниматься этим вопросом."],
}
for lang, ts in extra.items():
    samples += [(t, lang) for t in ts]
def cut(t, n):
    if len(t) <= n: return t
    return t[:n].rsplit(' ', 1)[0]
det = LanguageDetectorBuilder.from_all_languages().build()
codes = {}
for n in (40, 80, 160, 100000):
    texts = [cut(t, n) for t, _ in samples]
    inp = '\n'.join(json.dumps({'id': str(i), 'text': t}, ensure_ascii=False) for i, t in enumerate(texts))
    t0 = time.time()
    out = subprocess.run([ROOT + '/target/release/paratopic', 'classify', '--input-format', 'jsonl', '-', '-q', '--any-language'], input=inp.encode(), capture_output=True, check=True).stdout.decode()
    wt = time.time() - t0
    w = [json.loads(l)['lang'] for l in out.splitlines()]
    t0 = time.time()
    li = []
    for t in texts:
        r = det.detect_language_of(t)
        li.append(r.iso_code_639_1.name.lower() if r else None)
    lt = time.time() - t0
    gold = [g for _, g in samples]
    acc = lambda p: sum(a == b for a, b in zip(p, gold)) / len(gold)
    print(f"first {n if n < 100000 else 'all'} chars: n={len(gold)} whatlang {acc(w):.4f} (whole classify run {wt:.2f}s)  lingua {acc(li):.4f} ({lt:.2f}s, detection only)")
