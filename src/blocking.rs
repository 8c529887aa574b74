//! Blocking waits on the runtime's threads: handlers run on the thread that read their request, so a
//! wait that can last (a Lambda trigger, an identity provider, the writer held back by a checkpoint)
//! lends that thread to the runtime's other connections meanwhile.

/// Whether this thread belongs to a multi-thread tokio runtime (which can lend a thread to blocking
/// work: `block_in_place`).
pub fn multi_thread_runtime() -> bool {
    tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread)
}

/// Runs `f`, which blocks, without holding up the runtime: on a thread of the multi-thread runtime
/// (a handler run on its connection's thread) the runtime moves the thread's other tasks to another
/// thread meanwhile (`block_in_place`); anywhere else `f` just runs.
pub fn off_runtime<T>(f: impl FnOnce() -> T) -> T {
    if multi_thread_runtime() {
        tokio::task::block_in_place(f)
    } else {
        f()
    }
}
