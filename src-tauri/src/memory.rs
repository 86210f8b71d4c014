//! Handing memory the app has freed back to the system. The C allocator
//! keeps freed memory in its heaps for the next allocation; after the
//! journal lets go of its caches at rest (`Session::tidy_if_idle`), that is
//! tens of MiB that would stay counted against the app while it sits open
//! and unused.

/// Returns what the allocator holds free to the system (glibc only;
/// elsewhere nothing is done).
#[allow(unsafe_code)]
pub fn give_back_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of glibc's heaps; it
    // takes no pointers and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
