//! A response body wrapper that lets a layer see, and change, how a gRPC
//! response ends: its trailers (where a streamed call's status travels), an
//! error, its end, or its being dropped before the end (a cancelled call).

use std::pin::Pin;
use std::task::{Context, Poll};

use http::HeaderMap;
use http_body::{Body as HttpBody, Frame};

/// What a layer does when a response body ends.
pub(crate) trait BodyObserver: Send + Unpin + 'static {
    /// The trailers are passing; the observer may change them.
    fn on_trailers(&mut self, _trailers: &mut HeaderMap) {}

    /// The body failed with a status.
    fn on_error(&mut self, _status: &tonic::Status) {}

    /// The body ended without trailers, or was dropped before its end
    /// (`dropped`). Called at most once, and never after trailers or an error.
    fn on_end(&mut self, _dropped: bool) {}
}

/// Wraps `inner` so that `observer` sees how it ends.
pub(crate) fn observe<O: BodyObserver>(inner: tonic::body::Body, observer: O) -> tonic::body::Body {
    tonic::body::Body::new(ObservedBody {
        inner,
        observer,
        ended: false,
    })
}

struct ObservedBody<O: BodyObserver> {
    inner: tonic::body::Body,
    observer: O,
    ended: bool,
}

impl<O: BodyObserver> HttpBody for ObservedBody<O> {
    type Data = bytes::Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => match frame.into_trailers() {
                Ok(mut trailers) => {
                    if !this.ended {
                        this.ended = true;
                        this.observer.on_trailers(&mut trailers);
                    }
                    Poll::Ready(Some(Ok(Frame::trailers(trailers))))
                }
                Err(frame) => Poll::Ready(Some(Ok(frame))),
            },
            Poll::Ready(Some(Err(status))) => {
                if !this.ended {
                    this.ended = true;
                    this.observer.on_error(&status);
                }
                Poll::Ready(Some(Err(status)))
            }
            Poll::Ready(None) => {
                if !this.ended {
                    this.ended = true;
                    this.observer.on_end(false);
                }
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

impl<O: BodyObserver> Drop for ObservedBody<O> {
    fn drop(&mut self) {
        if !self.ended {
            self.ended = true;
            self.observer.on_end(true);
        }
    }
}
