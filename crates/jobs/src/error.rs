/// What can be wrong with jobs, in an operator's terms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    #[error("`{0}` is not a job name (lower-case letters, digits, `-` and `_`)")]
    InvalidName(String),
    #[error("the schedule of job {job}: {reason}")]
    InvalidSchedule { job: String, reason: String },
    #[error("job {0} is defined twice")]
    Duplicate(String),
    #[error("no job is named {name} (there are: {known})")]
    Unknown { name: String, known: String },
}
