//! Group commit: writers that arrive while another one holds the writer connection queue their
//! transaction; the next writer to get the connection runs every queued transaction, each inside its own
//! savepoint, and commits them together. Every caller still gets its own answer only after the commit
//! that made its writes durable (the same guarantee as one transaction each), but a burst of writers
//! shares one commit (one append of the WAL pages they touched) instead of queueing for a commit each.
//!
//! A writer that has to wait for the connection gives its handler slot back meanwhile (see
//! [`WaitHook`]), so the other core keeps computing instead of idling behind the database.
//!
//! The queued transactions are closures on their callers' stacks. A caller never returns before its
//! closure has run and its answer is written (it is blocked on the writer mutex, and the leader marks
//! the job done before releasing it), which is what makes handing a pointer to another thread sound.

use std::any::Any;
use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::rc::Rc;
use std::sync::{Condvar, Mutex, MutexGuard, TryLockError};

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::CognitoError;

/// What a thread does while it waits for the writer: give back, then take again, its right to run.
pub trait WaitHook {
    /// Called before blocking on the writer connection.
    fn release(&self);
    /// Called once the write is done (never while holding the writer connection).
    fn reacquire(&self);
}

thread_local! {
    static HOOK: RefCell<Option<Rc<dyn WaitHook>>> = const { RefCell::new(None) };
}

/// Runs `f` with `hook` installed for this thread's writes.
pub fn with_wait_hook<T>(hook: Rc<dyn WaitHook>, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<Rc<dyn WaitHook>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            HOOK.with(|h| *h.borrow_mut() = previous);
        }
    }
    let previous = HOOK.with(|h| h.borrow_mut().replace(hook));
    let _restore = Restore(previous);
    f()
}

fn current_hook() -> Option<Rc<dyn WaitHook>> {
    HOOK.with(|h| h.borrow().clone())
}

/// One queued transaction, type-erased.
trait Job: Send {
    /// Runs the closure; true when its writes are to be kept.
    fn run(&mut self, tx: &Transaction<'_>) -> bool;
    /// Replaces the answer of a job whose writes were lost (the commit or the transaction failed).
    fn fail(&mut self, e: CognitoError);
    /// Marks the answer final.
    fn finish(&mut self);
    fn done(&self) -> bool;
}

struct Slot<F, T> {
    f: Option<F>,
    out: Option<Result<T, CognitoError>>,
    panic: Option<Box<dyn Any + Send>>,
    done: bool,
}

impl<F, T> Job for Slot<F, T>
where
    F: FnOnce(&Transaction<'_>) -> Result<T, CognitoError> + Send,
    T: Send,
{
    fn run(&mut self, tx: &Transaction<'_>) -> bool {
        let Some(f) = self.f.take() else {
            return false;
        };
        match catch_unwind(AssertUnwindSafe(|| f(tx))) {
            Ok(out) => {
                let keep = out.is_ok();
                self.out = Some(out);
                keep
            }
            Err(panic) => {
                self.panic = Some(panic);
                false
            }
        }
    }

    fn fail(&mut self, e: CognitoError) {
        if self.panic.is_none() {
            self.out = Some(Err(e));
        }
    }

    fn finish(&mut self) {
        self.done = true;
    }

    fn done(&self) -> bool {
        self.done
    }
}

/// A pointer to a job on a waiting caller's stack.
struct JobPtr(*mut (dyn Job + 'static));

// SAFETY: the job itself is `Send`; the pointer is only dereferenced by the thread holding the writer
// mutex while the job's owner is blocked waiting for that mutex (see the module documentation).
unsafe impl Send for JobPtr {}

/// The writer connection and the queue of transactions waiting for it.
pub struct Writer {
    conn: Mutex<Connection>,
    queue: Mutex<Vec<JobPtr>>,
    /// Closed while the checkpointer needs the writer to itself: new writers wait at the gate instead
    /// of racing it for the connection (the mutex is not fair, and writers come back at once).
    gate: Mutex<bool>,
    opened: Condvar,
}

impl Writer {
    pub fn new(conn: Connection) -> Writer {
        Writer {
            conn: Mutex::new(conn),
            queue: Mutex::new(Vec::new()),
            gate: Mutex::new(false),
            opened: Condvar::new(),
        }
    }

    /// Runs `f` while no writer writes: writers that arrive meanwhile wait (their handler slots given
    /// back), those in progress finish first.
    pub fn exclusive<T>(&self, f: impl FnOnce() -> T) -> T {
        *self.gate.lock().unwrap_or_else(|p| p.into_inner()) = true;
        let conn = self.lock();
        let out = f();
        drop(conn);
        *self.gate.lock().unwrap_or_else(|p| p.into_inner()) = false;
        self.opened.notify_all();
        out
    }

    /// Waits while the gate is closed; true if it had to wait (the slot was given back).
    fn pass_gate(&self, hook: &Option<Rc<dyn WaitHook>>) -> bool {
        let closed = self.gate.lock().unwrap_or_else(|p| p.into_inner());
        if !*closed {
            return false;
        }
        if let Some(h) = hook {
            h.release();
        }
        // A few milliseconds: a handler on a runtime thread lends it to the other connections.
        crate::blocking::off_runtime(move || {
            let mut closed = closed;
            while *closed {
                closed = self.opened.wait(closed).unwrap_or_else(|p| p.into_inner());
            }
        });
        true
    }

    /// The connection itself (migrations, checkpoints, in-memory reads).
    pub fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves the connection usable: SQLite rolls back on its own.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` in an immediate write transaction, committed (possibly together with other writers')
    /// when `f` returns `Ok`, rolled back when it fails.
    pub fn write<T, F>(&self, f: F) -> Result<T, CognitoError>
    where
        F: FnOnce(&Transaction<'_>) -> Result<T, CognitoError> + Send,
        T: Send,
    {
        let hook = current_hook();
        let mut released = self.pass_gate(&hook);
        let mut slot = Slot {
            f: Some(f),
            out: None,
            panic: None,
            done: false,
        };
        let job: &mut (dyn Job + '_) = &mut slot;
        // SAFETY: only the lifetime is erased; see `JobPtr`. `slot` outlives every use of the pointer:
        // this function returns only after the job is done, and a job is done only by the holder of
        // the writer mutex, which this function takes before reading the answer.
        let ptr: *mut (dyn Job + 'static) =
            unsafe { std::mem::transmute(job as *mut (dyn Job + '_)) };
        self.queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(JobPtr(ptr));
        let conn = match self.conn.try_lock() {
            Ok(conn) => conn,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => {
                // Someone else is writing: give the core back while waiting for the connection.
                if !released {
                    if let Some(h) = &hook {
                        h.release();
                    }
                    released = true;
                }
                self.lock()
            }
        };
        // SAFETY: we hold the writer mutex, so no leader is touching the job.
        let done = unsafe { (*ptr).done() };
        if !done {
            self.lead(&conn);
        }
        drop(conn);
        if let (true, Some(h)) = (released, hook) {
            h.reacquire();
        }
        if let Some(panic) = slot.panic.take() {
            resume_unwind(panic);
        }
        slot.out
            .take()
            .unwrap_or_else(|| Err(CognitoError::internal("a queued write was never run")))
    }

    /// Runs every queued job (the leader's own among them) and commits them together.
    fn lead(&self, conn: &Connection) {
        let batch = std::mem::take(&mut *self.queue.lock().unwrap_or_else(|p| p.into_inner()));
        // SAFETY (every deref below): the leader holds the writer mutex and each job's owner is blocked
        // until the job is marked done.
        let jobs: Vec<&mut dyn Job> = batch.into_iter().map(|p| unsafe { &mut *p.0 }).collect();
        run_batch(conn, jobs);
    }
}

/// Runs `jobs` in one transaction (each in a savepoint when there are several) and commits; a job
/// whose closure failed is rolled back alone.
fn run_batch(conn: &Connection, mut jobs: Vec<&mut dyn Job>) {
    while !jobs.is_empty() {
        let rest = run_some(conn, &mut jobs);
        jobs = rest;
    }
}

/// Runs jobs until they are all done or the transaction is lost; returns the jobs not run yet.
fn run_some<'a>(conn: &Connection, jobs: &mut Vec<&'a mut dyn Job>) -> Vec<&'a mut dyn Job> {
    // `Transaction` wants `&mut Connection` only to borrow it exclusively; the writer mutex already
    // guarantees that, and `new_unchecked` takes `&Connection`.
    let tx = match Transaction::new_unchecked(conn, TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => {
            let e = CognitoError::from(e);
            for job in jobs.drain(..) {
                job.fail(e.clone());
                job.finish();
            }
            return Vec::new();
        }
    };
    let single = jobs.len() == 1;
    let mut kept: Vec<&'a mut dyn Job> = Vec::new();
    let mut dropped: Vec<&'a mut dyn Job> = Vec::new();
    let mut remaining = std::mem::take(jobs).into_iter();
    let mut lost = false;
    for job in remaining.by_ref() {
        if single {
            if job.run(&tx) {
                kept.push(job);
            } else {
                dropped.push(job);
            }
            break;
        }
        if let Err(e) = tx.execute_batch("SAVEPOINT job") {
            lost = true;
            if kept.is_empty() && dropped.is_empty() {
                // Not even the first job can start: it fails rather than being retried forever.
                job.fail(CognitoError::from(e));
                dropped.push(job);
            } else {
                jobs.push(job);
            }
            break;
        }
        if job.run(&tx) {
            if tx.execute_batch("RELEASE job").is_err() {
                lost = true;
                job.fail(CognitoError::internal("savepoint release failed"));
                dropped.push(job);
                break;
            }
            kept.push(job);
        } else {
            dropped.push(job);
            if tx.execute_batch("ROLLBACK TO job; RELEASE job").is_err() {
                lost = true;
                break;
            }
        }
        if tx.is_autocommit() {
            // SQLite rolled the whole transaction back (disk full, I/O error): nothing kept survives.
            lost = true;
            break;
        }
    }
    let not_run: Vec<&'a mut dyn Job> = jobs.drain(..).chain(remaining).collect();
    if lost {
        let _ = tx.rollback();
        for job in kept.iter_mut() {
            job.fail(CognitoError::internal(
                "the write transaction was lost; nothing was written",
            ));
        }
    } else if single && dropped.len() == 1 {
        let _ = tx.rollback();
    } else if let Err(e) = tx.commit() {
        let e = CognitoError::from(e);
        for job in kept.iter_mut() {
            job.fail(e.clone());
        }
    }
    for job in kept.into_iter().chain(dropped) {
        job.finish();
    }
    not_run
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn writer() -> Arc<Writer> {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)")
            .unwrap();
        Arc::new(Writer::new(conn))
    }

    fn count(w: &Writer) -> i64 {
        w.lock()
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn concurrent_writers_each_get_their_own_answer() {
        let w = writer();
        std::thread::scope(|s| {
            for t in 0..8 {
                let w = w.clone();
                s.spawn(move || {
                    for i in 0..200 {
                        let v = format!("{t}-{i}");
                        let k = w
                            .write(|tx| {
                                tx.execute("INSERT INTO t (v) VALUES (?1)", [&v])?;
                                Ok(tx.last_insert_rowid())
                            })
                            .unwrap();
                        let stored: String = w
                            .lock()
                            .query_row("SELECT v FROM t WHERE k = ?1", [k], |r| r.get(0))
                            .unwrap();
                        assert_eq!(stored, v);
                        // A failing writer is rolled back alone, whoever runs it.
                        let e = w.write(|tx| {
                            tx.execute("INSERT INTO t (v) VALUES ('dup')", [])?;
                            tx.execute("INSERT INTO t (v) VALUES (?1)", [&v])?;
                            Ok(())
                        });
                        assert!(e.is_err());
                    }
                });
            }
        });
        assert_eq!(count(&w), 8 * 200);
    }

    #[test]
    fn an_error_answer_can_keep_its_writes_and_panics_reach_their_caller() {
        let w = writer();
        let out: Result<Result<(), CognitoError>, CognitoError> = w.write(|tx| {
            tx.execute("INSERT INTO t (v) VALUES ('kept')", [])?;
            Ok(Err(crate::err!(NotAuthorizedException, "counted anyway")))
        });
        assert!(matches!(out, Ok(Err(_))));
        assert_eq!(count(&w), 1);
        let w2 = w.clone();
        let panicked = std::thread::spawn(move || {
            w2.write(|tx| -> Result<(), CognitoError> {
                tx.execute("INSERT INTO t (v) VALUES ('lost')", [])?;
                panic!("boom")
            })
        })
        .join();
        assert!(panicked.is_err());
        assert_eq!(count(&w), 1, "the panicking writer's insert is rolled back");
        w.write(|tx| Ok(tx.execute("INSERT INTO t (v) VALUES ('after')", [])?))
            .unwrap();
        assert_eq!(count(&w), 2);
    }

    #[test]
    fn a_waiting_writer_gives_its_slot_back() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        struct Counting(Arc<AtomicUsize>, Arc<AtomicUsize>);
        impl WaitHook for Counting {
            fn release(&self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
            fn reacquire(&self) {
                self.1.fetch_add(1, Ordering::SeqCst);
            }
        }
        let w = writer();
        let (released, reacquired) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let held = w.lock();
        let (w2, r1, r2) = (w.clone(), released.clone(), reacquired.clone());
        let t = std::thread::spawn(move || {
            with_wait_hook(Rc::new(Counting(r1, r2)), || {
                w2.write(|tx| Ok(tx.execute("INSERT INTO t (v) VALUES ('x')", [])?))
            })
        });
        while released.load(Ordering::SeqCst) == 0 {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_eq!(reacquired.load(Ordering::SeqCst), 0);
        drop(held);
        t.join().unwrap().unwrap();
        assert_eq!(reacquired.load(Ordering::SeqCst), 1);
        assert_eq!(count(&w), 1);
    }

    #[test]
    fn a_write_held_back_by_a_checkpoint_lends_its_runtime_thread() {
        use std::sync::mpsc::{Sender, channel};
        use std::time::Duration;
        /// Tells when the write reached the closed gate.
        struct AtGate(Sender<()>);
        impl WaitHook for AtGate {
            fn release(&self) {
                let _ = self.0.send(());
            }
            fn reacquire(&self) {}
        }
        let w = writer();
        // One runtime thread: while the write waits on it, nothing else runs unless it is lent.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        let (closed_tx, closed_rx) = channel();
        let (other_tx, other_rx) = channel();
        let checkpoint = {
            let w = w.clone();
            std::thread::spawn(move || {
                w.exclusive(|| {
                    closed_tx.send(()).unwrap();
                    // Open the gate once another task ran (or give up: the write held the thread).
                    other_rx.recv_timeout(Duration::from_secs(10)).is_ok()
                })
            })
        };
        closed_rx.recv().unwrap();
        let (gate_tx, gate_rx) = channel();
        let w2 = w.clone();
        let write = runtime.spawn(async move {
            with_wait_hook(Rc::new(AtGate(gate_tx)), || {
                w2.write(|tx| Ok(tx.execute("INSERT INTO t (v) VALUES ('x')", [])?))
            })
        });
        gate_rx.recv().unwrap();
        runtime.spawn(async move { other_tx.send(()).unwrap() });
        assert!(
            checkpoint.join().unwrap(),
            "another task ran while the write waited at the gate"
        );
        runtime.block_on(write).unwrap().unwrap();
        assert_eq!(count(&w), 1);
    }
}
