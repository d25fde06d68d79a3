//! Bidirectional streams that answer every request with one response, in
//! order, working on a bounded number of items at once.

use std::future::Future;

use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Status, Streaming};

/// Runs `work` on each item of `input` (with its index), at most `in_flight`
/// at a time, and streams the responses in request order. A transport error on
/// the input ends the output with that status; a client that goes away stops
/// the work.
pub(crate) fn ordered<Req, Resp, F, Fut>(
    mut input: Streaming<Req>,
    in_flight: usize,
    work: F,
) -> ReceiverStream<Result<Resp, Status>>
where
    Req: Send + 'static,
    Resp: Send + 'static,
    F: Fn(u64, Req) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Resp> + Send + 'static,
{
    let (out_tx, out_rx) = mpsc::channel::<Result<Resp, Status>>(in_flight.max(1));
    // Pending items wait here in order; its capacity bounds the work in flight.
    // A transport error travels the same queue so it arrives after the
    // responses to the items read before it.
    let (pending_tx, mut pending_rx) = mpsc::channel::<Pending<Resp>>(in_flight.max(1));

    tokio::spawn(async move {
        while let Some(pending) = pending_rx.recv().await {
            let response = match pending {
                Pending::Item(handle) => match handle.await {
                    Ok(response) => Ok(response),
                    Err(e) => Err(Status::from(crate::error::Error::internal(format!(
                        "stream item failed: {e}"
                    )))),
                },
                Pending::End(status) => Err(status),
            };
            if out_tx.send(response).await.is_err() {
                // The client went away: stop waiting for the rest.
                return;
            }
        }
    });

    tokio::spawn(async move {
        let mut index = 0u64;
        loop {
            match input.message().await {
                Ok(Some(request)) => {
                    let handle = tokio::spawn(work(index, request));
                    if pending_tx.send(Pending::Item(handle)).await.is_err() {
                        return;
                    }
                    index += 1;
                }
                Ok(None) => return,
                Err(status) => {
                    let _ = pending_tx.send(Pending::End(status)).await;
                    return;
                }
            }
        }
    });

    ReceiverStream::new(out_rx)
}

/// An item of the in-order queue.
enum Pending<Resp> {
    /// The work on one request.
    Item(tokio::task::JoinHandle<Resp>),
    /// The input ended with a transport error.
    End(Status),
}
