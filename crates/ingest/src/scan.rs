//! Byte scans of the hot paths, 16 bytes at a time with SSE2 on x86_64 (the baseline of the
//! target, so always there), and in plain Rust elsewhere. Each has a plain form that a property
//! test holds it equal to.

/// How many ASCII letters `bytes` starts with.
#[inline]
pub(crate) fn ascii_letters(bytes: &[u8]) -> usize {
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

/// The run of [`ascii_letters`] in a block, with SSE2: a byte is a letter when, with the case
/// bit set, it lies in `a..=z` (unsigned, so that no byte from 0x80 on is one).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn leading_letters_sse2(block: &[u8; 16]) -> usize {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_sub_epi8,
    };
    let bytes = load16(block);
    let from_a = _mm_sub_epi8(_mm_or_si128(bytes, _mm_set1_epi8(0x20)), _mm_set1_epi8(b'a' as i8));
    let letter = _mm_cmpeq_epi8(_mm_min_epu8(from_a, _mm_set1_epi8(25)), from_a);
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
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
pub(crate) fn load16(bytes: &[u8]) -> std::arch::x86_64::__m128i {
    let half = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes")) as i64;
    std::arch::x86_64::_mm_set_epi64x(half(8), half(0))
}

/// Byte strings of a length in `len`, mostly of the `common` bytes and now and then any byte:
/// the input of the property tests of the block scans.
#[cfg(test)]
pub(crate) fn mostly_of(
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
        }
    }
}
