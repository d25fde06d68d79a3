//! A failed call as one line: the status code's name, the server's message,
//! and what the person at the keyboard can do about it.

use std::time::Duration;

use tonic::Code;
use tonic_types::StatusExt;

use crate::bench::report::code_name;

/// One line for a failed call to `server` made with a deadline of `timeout`,
/// e.g. `UNAUTHENTICATED: the API key is not known to this server (set
/// DOCSIFT_API_KEY or pass --api-key)`.
pub fn describe(status: &tonic::Status, server: &str, timeout: Duration) -> String {
    let mut message = one_line(status.message());
    if let Some(bad) = status.get_details_bad_request() {
        for violation in &bad.field_violations {
            let detail = one_line(&violation.description);
            if !violation.field.is_empty() && !message.contains(&violation.field) {
                message.push_str(&format!("; {}: {detail}", violation.field));
            }
        }
    }
    let hint = match status.code() {
        Code::Unauthenticated => Some("set DOCSIFT_API_KEY or pass --api-key".to_string()),
        Code::PermissionDenied => Some(
            "the key lacks the scope or tenant this call needs; use a key that has it \
             (`docsift keys create --scopes analyze,read,write ...` makes one)"
                .to_string(),
        ),
        Code::Unavailable => Some(format!(
            "is the server running at {server}? start one with `docsift serve`, \
             or point --server / DOCSIFT_SERVER at it"
        )),
        Code::DeadlineExceeded => Some(format!(
            "the call took longer than --timeout {}; raise --timeout",
            show_duration(timeout)
        )),
        Code::ResourceExhausted => Some(match status.get_details_retry_info() {
            Some(retry) => match retry.retry_delay {
                Some(delay) => format!("retry in {}", show_duration(delay)),
                None => "retry later".to_string(),
            },
            None => "send less at a time, or retry later".to_string(),
        }),
        // tonic reports the client's own deadline passing this way.
        Code::Cancelled if status.message().contains("Timeout expired") => Some(format!(
            "no answer within --timeout {}; raise --timeout, or check the server at {server}",
            show_duration(timeout)
        )),
        Code::NotFound => Some("`docsift list` shows the stored ids".to_string()),
        Code::Unimplemented => Some(format!(
            "the server at {server} does not serve this call; is it a docsift server?"
        )),
        // The server's message (with the field it names) says it all.
        Code::InvalidArgument
        | Code::FailedPrecondition
        | Code::OutOfRange
        | Code::AlreadyExists
        | Code::Aborted
        | Code::Cancelled
        | Code::Unknown
        | Code::Internal
        | Code::DataLoss
        | Code::Ok => None,
    };
    let mut line = code_name(status.code());
    if !message.is_empty() {
        line.push_str(": ");
        line.push_str(&message);
    }
    if let Some(hint) = hint {
        line.push_str(&format!(" ({hint})"));
    }
    line
}

/// A message on one line: newlines and runs of spaces become one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `30s`, `1.5s`, `250ms`.
pub fn show_duration(duration: Duration) -> String {
    let millis = duration.as_secs_f64() * 1000.0;
    if millis < 1000.0 {
        format!("{}ms", millis.round())
    } else {
        let seconds = duration.as_secs_f64();
        if seconds.fract() == 0.0 {
            format!("{seconds}s")
        } else {
            format!("{seconds:.1}s")
        }
    }
}
