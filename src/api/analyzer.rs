//! `docsift.v1.Analyzer`: stateless analysis.

use std::sync::Arc;

use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use super::convert;
use crate::config::Limits;
use crate::engine::Engine;
use crate::error::Result;
use crate::proto::pb;

/// The Analyzer service.
#[derive(Debug, Clone)]
pub struct AnalyzerApi {
    engine: Arc<Engine>,
    limits: Limits,
}

impl AnalyzerApi {
    /// Builds the service over an engine.
    pub fn new(engine: Arc<Engine>, limits: Limits) -> Self {
        AnalyzerApi { engine, limits }
    }
}

/// Validates and runs one analysis.
async fn analyze_one(
    engine: &Engine,
    limits: &Limits,
    document: Option<pb::Document>,
    options: Option<pb::AnalyzeOptions>,
) -> Result<pb::Analysis> {
    let input = convert::document_from_pb("document", document, limits)?;
    let (options, unit) = convert::analyze_options_from_pb("options", options)?;
    let (document, analysis) = engine.analyze(input, options).await?;
    Ok(convert::analysis_to_pb(&analysis, &document, unit))
}

#[tonic::async_trait]
impl pb::analyzer_server::Analyzer for AnalyzerApi {
    async fn analyze(
        &self,
        request: Request<pb::AnalyzeRequest>,
    ) -> Result<Response<pb::AnalyzeResponse>, Status> {
        let request = request.into_inner();
        let analysis = analyze_one(
            &self.engine,
            &self.limits,
            request.document,
            request.options,
        )
        .await?;
        Ok(Response::new(pb::AnalyzeResponse {
            analysis: Some(analysis),
        }))
    }

    type AnalyzeStreamStream = ReceiverStream<Result<pb::AnalyzeStreamResponse, Status>>;

    async fn analyze_stream(
        &self,
        request: Request<Streaming<pb::AnalyzeStreamRequest>>,
    ) -> Result<Response<Self::AnalyzeStreamStream>, Status> {
        let engine = self.engine.clone();
        let limits = self.limits.clone();
        let in_flight = limits.max_stream_in_flight;
        let stream = super::stream::ordered(request.into_inner(), in_flight, move |index, item| {
            let engine = engine.clone();
            let limits = limits.clone();
            async move {
                match analyze_one(&engine, &limits, item.document, item.options).await {
                    Ok(analysis) => pb::AnalyzeStreamResponse {
                        index,
                        status: Some(super::rpc_ok()),
                        analysis: Some(analysis),
                    },
                    Err(err) => pb::AnalyzeStreamResponse {
                        index,
                        status: Some(super::rpc_status(err)),
                        analysis: None,
                    },
                }
            }
        });
        Ok(Response::new(stream))
    }
}
