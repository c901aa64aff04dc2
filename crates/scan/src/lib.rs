//! Byte scans of the hot paths, 16 bytes at a time with SSE2 on x86_64 (the baseline of the
//! target, so always there), and in plain Rust elsewhere. Each has a plain form that a property
//! test holds it equal to. Their users: the word scanner, the cleaning and the language
//! identification of `paratopic-ingest`, the word keys of the classifier's featurizer, the
//! JSONL writer of the CLI.
#![deny(missing_docs)]

/// How many ASCII letters `bytes` starts with.
#[inline]
pub fn ascii_letters(bytes: &[u8]) -> usize {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of every x86_64 CPU (the baseline of the target).
    return leading_run(bytes, |block| unsafe { leading_letters_sse2(block) }, ascii_letters_plain);
    #[cfg(not(target_arch = "x86_64"))]
    ascii_letters_plain(bytes)
}

/// The plain form of [`ascii_letters`].
fn ascii_letters_plain(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count()
}

/// How many bytes `bytes` starts with that a JSON string holds as they are: none below 0x20,
/// no `"` and no `\`.
#[inline]
pub fn json_plain(bytes: &[u8]) -> usize {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of every x86_64 CPU (the baseline of the target).
    return leading_run(bytes, |block| unsafe { leading_json_plain_sse2(block) }, json_plain_plain);
    #[cfg(not(target_arch = "x86_64"))]
    json_plain_plain(bytes)
}

/// The plain form of [`json_plain`].
fn json_plain_plain(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|&&b| b >= 0x20 && b != b'"' && b != b'\\').count()
}

/// How many bytes of a run `bytes` starts with: `block` counts them in each block of 16 (16
/// when the run goes on past it), `plain` in the bytes after the last whole block.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn leading_run(bytes: &[u8], block: impl Fn(&[u8; 16]) -> usize, plain: impl Fn(&[u8]) -> usize) -> usize {
    let mut n = 0;
    while let Some(next) = bytes.get(n..n + 16) {
        let run = block(next.try_into().expect("16 bytes"));
        n += run;
        if run < 16 {
            return n;
        }
    }
    n + plain(&bytes[n..])
}

/// The ASCII letters of 16 bytes as 0xFF, the other bytes as 0: a byte is a letter when, with
/// the case bit set, it lies in `a..=z` (unsigned, so that no byte from 0x80 on is one).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn letters_sse2(bytes: std::arch::x86_64::__m128i) -> std::arch::x86_64::__m128i {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_min_epu8, _mm_or_si128, _mm_set1_epi8, _mm_sub_epi8};
    let from_a = _mm_sub_epi8(_mm_or_si128(bytes, _mm_set1_epi8(0x20)), _mm_set1_epi8(b'a' as i8));
    _mm_cmpeq_epi8(_mm_min_epu8(from_a, _mm_set1_epi8(25)), from_a)
}

/// The run of [`ascii_letters`] in a block, with SSE2 ([`letters_sse2`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn leading_letters_sse2(block: &[u8; 16]) -> usize {
    use std::arch::x86_64::_mm_movemask_epi8;
    let bytes = load16(block);
    let letter = letters_sse2(bytes);
    (!(_mm_movemask_epi8(letter) as u32)).trailing_zeros() as usize
}

/// The run of [`json_plain`] in a block, with SSE2: a byte below 0x20 is one whose unsigned
/// minimum with 0x1f is itself.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn leading_json_plain_sse2(block: &[u8; 16]) -> usize {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    let bytes = load16(block);
    let control = _mm_cmpeq_epi8(_mm_min_epu8(bytes, _mm_set1_epi8(0x1f)), bytes);
    let quote = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'"' as i8));
    let backslash = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\\' as i8));
    let escaped = _mm_movemask_epi8(_mm_or_si128(control, _mm_or_si128(quote, backslash))) as u32;
    (escaped | 1 << 16).trailing_zeros() as usize
}

/// Two masks of a block, bit `i` for byte `i`: the ASCII letters, and the bytes that start a
/// character of more than one byte (from 0xC0 on).
#[inline]
pub fn letters_and_leads(block: &[u8; 16]) -> (u32, u32) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of every x86_64 CPU (the baseline of the target).
    return unsafe { letters_and_leads_sse2(block) };
    #[cfg(not(target_arch = "x86_64"))]
    letters_and_leads_plain(block)
}

/// The plain form of [`letters_and_leads`].
#[cfg(any(test, not(target_arch = "x86_64")))]
fn letters_and_leads_plain(block: &[u8; 16]) -> (u32, u32) {
    let mask = |is: fn(u8) -> bool| block.iter().rev().fold(0, |mask, &b| mask << 1 | u32::from(is(b)));
    (mask(|b| b.is_ascii_alphabetic()), mask(|b| b >= 0xc0))
}

/// [`letters_and_leads`] with SSE2: the letters by [`letters_sse2`]; a byte starts a
/// character of several bytes when its unsigned maximum with 0xC0 is itself.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn letters_and_leads_sse2(block: &[u8; 16]) -> (u32, u32) {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_max_epu8, _mm_movemask_epi8, _mm_set1_epi8};
    let bytes = load16(block);
    let letter = letters_sse2(bytes);
    let lead = _mm_cmpeq_epi8(_mm_max_epu8(bytes, _mm_set1_epi8(0xc0_u8 as i8)), bytes);
    (_mm_movemask_epi8(letter) as u32, _mm_movemask_epi8(lead) as u32)
}

/// What the word scanner needs to know of 64 bytes, bit `i` for byte `i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordMasks {
    /// Bytes a word can start with by itself: ASCII letters and digits, and the first byte of
    /// the Latin-1 letters (`ä`, `ß`, `é`: `0xC3` and another byte, but `×` and `÷`).
    pub alnum: u64,
    /// Bytes that go on with a word whatever is around them: those of `alnum`, `_`, and the
    /// second byte of the Latin-1 letters.
    pub word: u64,
    /// Bytes from 0x80 on: parts of characters of several bytes.
    pub wide: u64,
    /// Bytes at which a run of `word` bytes ends its word: an ASCII byte that joins nothing
    /// (not `word`, not `:` `.` `'` `,` `;`), the first byte of a punctuation character of three
    /// bytes `0xE2 …` that joins nothing (all but `‘` and `’`), or `:` `.` `'` `,` `;` before one
    /// of these. Only what the 64 bytes show: the last bytes are told by what they are alone.
    pub end: u64,
}

/// The [`WordMasks`] of a block of 64 bytes: the ASCII bytes told 16 at a time, then each byte
/// from 0x80 on looked at by itself (few, in Latin-script text).
#[inline]
pub fn word_masks(block: &[u8; 64]) -> WordMasks {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of every x86_64 CPU (the baseline of the target).
    let (mut masks, joiner) = unsafe { ascii_word_masks_sse2(block) };
    #[cfg(not(target_arch = "x86_64"))]
    let (mut masks, joiner) = ascii_word_masks_plain(block);
    let mut wide = masks.wide;
    while wide != 0 {
        let i = wide.trailing_zeros() as usize;
        wide &= wide - 1;
        match block[i] {
            0xc3 if i < 63 && !matches!(block[i + 1], 0x97 | 0xb7) => {
                masks.alnum |= 1 << i;
                masks.word |= 3 << i;
                wide &= !(1 << (i + 1));
            }
            0xe2 if i < 62 && !(block[i + 1] == 0x80 && matches!(block[i + 2], 0x98 | 0x99)) => masks.end |= 1 << i,
            _ => {}
        }
    }
    // A joiner before a byte that ends a word ends it too.
    masks.end |= joiner & masks.end >> 1;
    masks
}

/// The ASCII part of [`word_masks`] (`end` without its joiners, and the joiners apart),
/// byte by byte.
#[cfg(not(target_arch = "x86_64"))]
fn ascii_word_masks_plain(block: &[u8; 64]) -> (WordMasks, u64) {
    let mask = |is: &dyn Fn(u8) -> bool| block.iter().rev().fold(0, |mask, &b| mask << 1 | u64::from(is(b)));
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let joiner = |b: u8| b":.',;".contains(&b);
    let masks = WordMasks {
        alnum: mask(&|b| b.is_ascii_alphanumeric()),
        word: mask(&word),
        wide: mask(&|b| b >= 0x80),
        end: mask(&|b| b < 0x80 && !word(b) && !joiner(b)),
    };
    (masks, mask(&joiner))
}

/// The ASCII part of [`word_masks`] (`end` without its joiners, and the joiners apart) with
/// SSE2, 16 bytes at a time: letters by [`letters_sse2`], digits as the bytes whose distance
/// above `0` is at most 9 (unsigned), the rest by equality; the wide bytes have the sign bit.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn ascii_word_masks_sse2(block: &[u8; 64]) -> (WordMasks, u64) {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_sub_epi8,
    };
    let mut masks = WordMasks { alnum: 0, word: 0, wide: 0, end: 0 };
    let mut joiners = 0;
    for (k, chunk) in block.chunks_exact(16).enumerate() {
        let bytes = load16(chunk);
        let is = |c: u8| _mm_cmpeq_epi8(bytes, _mm_set1_epi8(c as i8));
        let letter = letters_sse2(bytes);
        let from_0 = _mm_sub_epi8(bytes, _mm_set1_epi8(b'0' as i8));
        let digit = _mm_cmpeq_epi8(_mm_min_epu8(from_0, _mm_set1_epi8(9)), from_0);
        let alnum = _mm_or_si128(letter, digit);
        let word = _mm_or_si128(alnum, is(b'_'));
        let joiner =
            _mm_or_si128(_mm_or_si128(is(b':'), is(b'.')), _mm_or_si128(is(b'\''), _mm_or_si128(is(b','), is(b';'))));
        let bits = |v| u64::from(_mm_movemask_epi8(v) as u16) << (16 * k);
        let (word, joiner, wide) = (bits(word), bits(joiner), bits(bytes));
        masks.alnum |= bits(alnum);
        masks.word |= word;
        masks.wide |= wide;
        masks.end |= !(word | joiner | wide) & 0xffff << (16 * k);
        joiners |= joiner;
    }
    (masks, joiners)
}

/// The plain form of [`word_masks`]: each byte told by the definitions of [`WordMasks`], in
/// order (a byte after a Latin-1 letter's first is its second, whatever it is).
#[cfg(test)]
fn word_masks_plain(block: &[u8; 64]) -> WordMasks {
    let ascii_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let joiner = |b: u8| b":.',;".contains(&b);
    let mut masks = WordMasks { alnum: 0, word: 0, wide: 0, end: 0 };
    let mut second = false;
    for (i, &b) in block.iter().enumerate() {
        let bit = 1u64 << i;
        let next = |k: usize| block.get(i + k).copied();
        masks.wide |= if b >= 0x80 { bit } else { 0 };
        masks.alnum |= if b.is_ascii_alphanumeric() { bit } else { 0 };
        masks.word |= if ascii_word(b) { bit } else { 0 };
        masks.end |= if b < 0x80 && !ascii_word(b) && !joiner(b) { bit } else { 0 };
        if std::mem::take(&mut second) || b < 0x80 {
            continue;
        }
        if b == 0xc3 && next(1).is_some_and(|n| n != 0x97 && n != 0xb7) {
            masks.alnum |= bit;
            masks.word |= bit | bit << 1;
            second = true;
        }
        if b == 0xe2 && next(2).is_some() && !(next(1) == Some(0x80) && matches!(next(2), Some(0x98 | 0x99))) {
            masks.end |= bit;
        }
    }
    let joiners = block.iter().rev().fold(0, |mask, &b| mask << 1 | u64::from(joiner(b)));
    masks.end |= joiners & masks.end >> 1;
    masks
}

/// The bytes of a word of at most 8 bytes as a little-endian integer, zero above the last
/// (`None` for a longer one), read in at most three loads whatever the length: the first,
/// middle and last byte of 1 to 3, the first and last four of 4 to 8.
#[inline]
pub fn load_le(bytes: &[u8]) -> Option<u64> {
    let n = bytes.len();
    Some(match n {
        0 => 0,
        1..=3 => {
            u64::from(bytes[0]) | u64::from(bytes[n / 2]) << (8 * (n / 2)) | u64::from(bytes[n - 1]) << (8 * (n - 1))
        }
        4..=8 => {
            let head = u32::from_le_bytes(bytes[..4].try_into().expect("4 bytes"));
            let tail = u32::from_le_bytes(bytes[n - 4..].try_into().expect("4 bytes"));
            // `tail` holds bytes n-4..n; the n-4 beyond the head are its top ones.
            u64::from(head) | (u64::from(tail) >> (8 * (8 - n))) << 32
        }
        _ => return None,
    })
}

/// The plain form of [`load_le`]: the bytes copied into a zeroed array.
#[cfg(test)]
fn load_le_plain(bytes: &[u8]) -> Option<u64> {
    let mut copy = [0u8; 8];
    copy.get_mut(..bytes.len())?.copy_from_slice(bytes);
    Some(u64::from_le_bytes(copy))
}

/// 16 bytes as an SSE2 vector (read as two integers, so without a pointer).
///
/// # Safety
///
/// The CPU must have SSE2 (every x86_64 CPU has); `bytes` shorter than 16 panics, never reads
/// out of bounds.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
pub fn load16(bytes: &[u8]) -> std::arch::x86_64::__m128i {
    let half = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes")) as i64;
    std::arch::x86_64::_mm_set_epi64x(half(8), half(0))
}

/// Byte strings of a length in `len`, mostly of the `common` bytes and now and then any byte:
/// the input of the property tests of the block scans.
#[cfg(any(test, feature = "testing"))]
pub fn mostly_of(
    common: &'static [u8],
    len: std::ops::Range<usize>,
) -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    use proptest::strategy::Strategy as _;
    let byte = proptest::prop_oneof![8 => proptest::sample::select(common), 1 => proptest::prelude::any::<u8>()];
    proptest::collection::vec(byte, len).boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 4000, ..Default::default() })]

        /// The block scan counts the letters the byte loop counts, for runs that end inside a
        /// block, at its end, and beyond it.
        #[test]
        fn ascii_letters_are_the_plain_ones(bytes in mostly_of(b"azAZmQ", 0..70)) {
            proptest::prop_assert_eq!(ascii_letters(&bytes), ascii_letters_plain(&bytes));
        }

        /// The block scan finds the first byte a JSON string escapes where the byte loop does.
        #[test]
        fn json_plain_is_the_plain_one(bytes in mostly_of(b"a \xc3\xa4Z.\"\\\n", 0..70)) {
            proptest::prop_assert_eq!(json_plain(&bytes), json_plain_plain(&bytes));
        }

        /// The block masks are the byte loop's.
        #[test]
        fn letters_and_leads_are_the_plain_ones(bytes in mostly_of(b"aZ .\xc3\xa4\xe2\x80\xf0@[`{", 16..17)) {
            let block: &[u8; 16] = bytes.as_slice().try_into().unwrap();
            proptest::prop_assert_eq!(letters_and_leads(block), letters_and_leads_plain(block));
        }

        /// The word scanner's masks are the byte loop's.
        #[test]
        fn word_masks_are_the_plain_ones(bytes in mostly_of(b"aZ09_ .:',;-\xc3\xa4\x97\xb7\xe2\x80\x98\x99\x93", 64..65)) {
            let block: &[u8; 64] = bytes.as_slice().try_into().unwrap();
            proptest::prop_assert_eq!(word_masks(block), word_masks_plain(block));
        }

        /// The loads of a short word give the copied bytes, for every length.
        #[test]
        fn load_le_is_the_plain_one(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..11)) {
            proptest::prop_assert_eq!(load_le(&bytes), load_le_plain(&bytes));
        }
    }

    /// Each scan tells every byte right in a block of 16 (the SSE2 path on x86_64).
    #[test]
    fn every_byte_is_told_right() {
        for b in 0..=255u8 {
            let mut block = [b'a'; 16];
            block[5] = b;
            let letter = if b.is_ascii_alphabetic() { 16 } else { 5 };
            assert_eq!(ascii_letters(&block), letter, "letters, byte {b:#x}");
            let plain = if b >= 0x20 && b != b'"' && b != b'\\' { 16 } else { 5 };
            assert_eq!(json_plain(&block), plain, "JSON, byte {b:#x}");
            let (letters, leads) = letters_and_leads(&block);
            assert_eq!(letters, if b.is_ascii_alphabetic() { 0xffff } else { 0xffdf }, "letter mask, byte {b:#x}");
            assert_eq!(leads, if b >= 0xc0 { 0x20 } else { 0 }, "lead mask, byte {b:#x}");
            let mut block = [b'a'; 64];
            block[37] = b;
            assert_eq!(word_masks(&block), word_masks_plain(&block), "word masks, byte {b:#x}");
        }
    }
}
