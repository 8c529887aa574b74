//! A future that wakes itself while it is being polled is polled again at once, instead of through the
//! scheduler. hyper's HTTP/1 connection does that on every request with a body: its dispatcher and the
//! handler reading the body are one task and signal each other through the body channel. tokio takes
//! such a wake for a yield: the task goes to the back of the run queue and a parked worker thread is
//! woken to look for work (a futex wake, another core brought out of idle, often the connection moving
//! to that thread). On the 2-core bench VM this and one read transaction per store read together took
//! 35-45 µs of the server's CPU off a sequential GetUser (221-236 -> 185-189 µs).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

/// Most polls in one turn; past it a self-wake goes to the scheduler like any other (fairness for a
/// future that keeps waking itself, such as hyper's yield after 16 pipelined requests).
const MAX_POLLS: usize = 8;

/// Wraps `future` (see the module documentation).
pub fn repoll_self_wakes<F: Future>(future: F) -> RepollSelfWakes<F> {
    let flag = Arc::new(Flag {
        polling: AtomicBool::new(false),
        woken: AtomicBool::new(false),
        outer: Mutex::new(None),
    });
    RepollSelfWakes {
        inner: Box::pin(future),
        waker: Waker::from(flag.clone()),
        flag,
    }
}

/// The waker the wrapped future sees.
struct Flag {
    /// The wrapped future is being polled.
    polling: AtomicBool,
    /// A wake came since the current poll began.
    woken: AtomicBool,
    /// The task's own waker, for wakes that come while the future is not being polled.
    outer: Mutex<Option<Waker>>,
}

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // `woken` first: a poll that ends after this store sees it (see `poll`).
        self.woken.store(true, Ordering::SeqCst);
        if !self.polling.load(Ordering::SeqCst) {
            let outer = self.outer.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(waker) = outer.as_ref() {
                waker.wake_by_ref();
            }
        }
    }
}

/// A future polled again at once when it wakes itself (see the module documentation).
pub struct RepollSelfWakes<F> {
    inner: Pin<Box<F>>,
    flag: Arc<Flag>,
    waker: Waker,
}

impl<F: Future> Future for RepollSelfWakes<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        {
            let mut outer = this.flag.outer.lock().unwrap_or_else(|p| p.into_inner());
            if !outer.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                *outer = Some(cx.waker().clone());
            }
        }
        let mut inner_cx = Context::from_waker(&this.waker);
        for _ in 0..MAX_POLLS {
            this.flag.woken.store(false, Ordering::SeqCst);
            this.flag.polling.store(true, Ordering::SeqCst);
            let out = this.inner.as_mut().poll(&mut inner_cx);
            this.flag.polling.store(false, Ordering::SeqCst);
            if out.is_ready() {
                return out;
            }
            // A wake that saw `polling` still true stored `woken` before this reads it; one that saw
            // it false woke the task itself (at worst one extra poll).
            if !this.flag.woken.swap(false, Ordering::SeqCst) {
                return Poll::Pending;
            }
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wakes itself during its first `n` polls, then is ready; counts its polls.
    struct SelfWaking {
        n: usize,
        polls: Arc<std::sync::atomic::AtomicUsize>,
    }

    impl Future for SelfWaking {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            self.polls.fetch_add(1, Ordering::SeqCst);
            if self.n == 0 {
                return Poll::Ready(());
            }
            self.n -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }

    /// Counts the wakes of the outer task.
    struct Counter(std::sync::atomic::AtomicUsize);
    impl Wake for Counter {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn self_wakes_are_polled_again_at_once_up_to_a_limit() {
        let polls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = Arc::new(Counter(Default::default()));
        let waker = Waker::from(counter.clone());
        let mut cx = Context::from_waker(&waker);

        let mut f = repoll_self_wakes(SelfWaking {
            n: 3,
            polls: polls.clone(),
        });
        assert_eq!(Pin::new(&mut f).poll(&mut cx), Poll::Ready(()));
        assert_eq!(polls.load(Ordering::SeqCst), 4);
        assert_eq!(
            counter.0.load(Ordering::SeqCst),
            0,
            "no trip through the scheduler"
        );

        // A future that keeps waking itself yields after MAX_POLLS, waking its task.
        polls.store(0, Ordering::SeqCst);
        let mut f = repoll_self_wakes(SelfWaking {
            n: 100,
            polls: polls.clone(),
        });
        assert_eq!(Pin::new(&mut f).poll(&mut cx), Poll::Pending);
        assert_eq!(polls.load(Ordering::SeqCst), MAX_POLLS);
        assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_wake_between_polls_reaches_the_task() {
        let counter = Arc::new(Counter(Default::default()));
        let waker = Waker::from(counter.clone());
        let mut cx = Context::from_waker(&waker);
        let stash: Arc<Mutex<Option<Waker>>> = Default::default();
        let inner_stash = stash.clone();
        let mut f = repoll_self_wakes(std::future::poll_fn(move |cx| {
            *inner_stash.lock().unwrap() = Some(cx.waker().clone());
            Poll::<()>::Pending
        }));
        assert_eq!(Pin::new(&mut f).poll(&mut cx), Poll::Pending);
        assert_eq!(counter.0.load(Ordering::SeqCst), 0);
        // Woken later, from outside a poll (the I/O driver, another thread): the task is woken.
        let inner_waker = stash.lock().unwrap().take().unwrap();
        std::thread::spawn(move || inner_waker.wake())
            .join()
            .unwrap();
        assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    }
}
