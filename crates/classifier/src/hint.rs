//! A hint to the processor's cache, for the lookups that are bound by memory latency.

/// Asks the CPU to bring the cache line of `value` in ahead of its use: a hint, with no effect
/// on any result (nothing off x86-64).
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `prefetcht0` only hints the cache: it reads nothing the program sees and cannot
    // fault, and the SSE it belongs to is part of every x86-64 processor.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>((value as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
