//! The workloads: 1. sequential latency, 2. throughput, 3. SignUp latency and 4. lookups against pool
//! size (5., memory, is read around them by `run`).

pub mod pool_size;
pub mod seed;
pub mod sequential;
pub mod throughput;
