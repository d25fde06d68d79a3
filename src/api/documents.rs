//! `docsift.v1.Documents`: ingest, read, list and delete stored documents.

use std::sync::Arc;

use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use super::convert;
use crate::config::Limits;
use crate::engine::{Engine, IngestOptions};
use crate::error::{Error, Result};
use crate::middleware::Caller;
use crate::proto::pb;
use crate::search::page_token::{Cursor, CursorRef, request_hash};
use crate::store::PutResult;

/// The default page size of ListDocuments.
const LIST_DEFAULT_PAGE: usize = 50;
/// The largest page size of ListDocuments.
const LIST_MAX_PAGE: usize = 1000;

/// The Documents service.
#[derive(Debug, Clone)]
pub struct DocumentsApi {
    engine: Arc<Engine>,
    limits: Limits,
}

impl DocumentsApi {
    /// Builds the service over an engine.
    pub fn new(engine: Arc<Engine>, limits: Limits) -> Self {
        DocumentsApi { engine, limits }
    }
}

/// Whether a refresh option asks to wait, refusing unknown values.
fn wait_for_refresh(field: &str, value: i32) -> Result<bool> {
    match pb::Refresh::try_from(value) {
        Ok(pb::Refresh::Unspecified | pb::Refresh::None) => Ok(false),
        Ok(pb::Refresh::WaitFor) => Ok(true),
        Err(_) => Err(Error::invalid(
            field,
            format!("unknown refresh mode {value}"),
        )),
    }
}

/// Validates and runs one ingest.
async fn ingest_one(
    engine: &Engine,
    limits: &Limits,
    tenant: &str,
    document: Option<pb::Document>,
    options: Option<pb::IngestOptions>,
) -> Result<pb::IngestResponse> {
    let input = convert::document_from_pb("document", document, limits)?;
    let options = options.unwrap_or_default();
    let features = if options.skip_analysis {
        if !options.features.is_empty() {
            return Err(Error::invalid(
                "options.features",
                "must be empty when options.skip_analysis is set",
            ));
        }
        crate::analysis::Features::none()
    } else {
        convert::features_from_pb("options.features", &options.features)?
    };
    let unit = convert::offset_unit_from_pb("options.offset_unit", options.offset_unit)?;
    let reference_time = options
        .reference_time
        .map(|ts| convert::timestamp_to_chrono("options.reference_time", &ts))
        .transpose()?;
    let ingest_options = IngestOptions {
        analyze: crate::engine::AnalyzeOptions {
            features,
            reference_time,
            summary_sentences: 0,
        },
        wait_for_refresh: wait_for_refresh("options.refresh", options.refresh)?,
        dedupe: options.dedupe,
    };
    let ingested = engine.ingest(tenant, input, ingest_options).await?;
    let outcome = ingested.outcome;
    let (result, duplicate_of) = match outcome.result {
        PutResult::Created => (pb::IngestResult::Created, String::new()),
        PutResult::Updated => (pb::IngestResult::Updated, String::new()),
        PutResult::Unchanged => (pb::IngestResult::Unchanged, String::new()),
        PutResult::Duplicate { of } => (pb::IngestResult::Duplicate, of),
    };
    Ok(pb::IngestResponse {
        id: outcome.id,
        version: outcome.version,
        result: result as i32,
        duplicate_of,
        analysis: options
            .return_analysis
            .then(|| convert::analysis_to_pb(&ingested.analysis, &ingested.document, unit)),
    })
}

#[tonic::async_trait]
impl pb::documents_server::Documents for DocumentsApi {
    async fn ingest(
        &self,
        request: Request<pb::IngestRequest>,
    ) -> Result<Response<pb::IngestResponse>, Status> {
        let caller = Caller::of(&request);
        let request = request.into_inner();
        let response = ingest_one(
            &self.engine,
            &self.limits,
            &caller.tenant,
            request.document,
            request.options,
        )
        .await?;
        Ok(Response::new(response))
    }

    type IngestStreamStream = ReceiverStream<Result<pb::IngestStreamResponse, Status>>;

    async fn ingest_stream(
        &self,
        request: Request<Streaming<pb::IngestStreamRequest>>,
    ) -> Result<Response<Self::IngestStreamStream>, Status> {
        let caller = Caller::of(&request);
        let engine = self.engine.clone();
        let limits = self.limits.clone();
        let in_flight = limits.max_stream_in_flight;
        let tenant: Arc<str> = caller.tenant.into();
        let stream = super::stream::ordered(request.into_inner(), in_flight, move |index, item| {
            let engine = engine.clone();
            let limits = limits.clone();
            let tenant = tenant.clone();
            async move {
                let requested_id = item
                    .document
                    .as_ref()
                    .map(|d| d.id.clone())
                    .unwrap_or_default();
                match ingest_one(&engine, &limits, &tenant, item.document, item.options).await {
                    Ok(response) => pb::IngestStreamResponse {
                        index,
                        id: response.id.clone(),
                        status: Some(super::rpc_ok()),
                        result: Some(response),
                    },
                    Err(err) => pb::IngestStreamResponse {
                        index,
                        id: requested_id,
                        status: Some(super::rpc_status(err)),
                        result: None,
                    },
                }
            }
        });
        Ok(Response::new(stream))
    }

    async fn get_document(
        &self,
        request: Request<pb::GetDocumentRequest>,
    ) -> Result<Response<pb::StoredDocument>, Status> {
        let caller = Caller::of(&request);
        let request = request.into_inner();
        convert::validate_id("id", &request.id)?;
        let unit = convert::offset_unit_from_pb("offset_unit", request.offset_unit)?;
        let stored = self.engine.get(&caller.tenant, &request.id)?;
        let analysis_unit = request.include_analysis.then_some(unit);
        Ok(Response::new(convert::stored_to_pb(
            &stored,
            true,
            analysis_unit,
        )))
    }

    async fn delete_document(
        &self,
        request: Request<pb::DeleteDocumentRequest>,
    ) -> Result<Response<pb::DeleteDocumentResponse>, Status> {
        let caller = Caller::of(&request);
        let request = request.into_inner();
        convert::validate_id("id", &request.id)?;
        let wait = wait_for_refresh("refresh", request.refresh)?;
        let outcome = self
            .engine
            .delete(&caller.tenant, &request.id, wait)
            .await?;
        Ok(Response::new(pb::DeleteDocumentResponse {
            id: outcome.id,
            version: outcome.version,
        }))
    }

    async fn list_documents(
        &self,
        request: Request<pb::ListDocumentsRequest>,
    ) -> Result<Response<pb::ListDocumentsResponse>, Status> {
        let caller = Caller::of(&request);
        let request = request.into_inner();
        let limit = super::page_size(request.page_size, LIST_DEFAULT_PAGE, LIST_MAX_PAGE)?;
        let hash = request_hash(&("ListDocuments", &caller.tenant));
        let tokens = self.engine.page_tokens();
        let after = match tokens.decode(&request.page_token, &hash)? {
            None => None,
            Some(Cursor::AfterId(id)) => Some(id),
            Some(Cursor::Search { .. }) => {
                return Err(Error::invalid("page_token", "not a ListDocuments page token").into());
            }
        };
        let page = self.engine.list(&caller.tenant, after.as_deref(), limit)?;
        let next_page_token = match (page.has_more, page.documents.last()) {
            (true, Some(last)) => tokens.encode(&hash, CursorRef::AfterId(&last.id)),
            _ => String::new(),
        };
        let unit = request
            .include_analysis
            .then_some(crate::analysis::offsets::OffsetUnit::Utf8);
        Ok(Response::new(pb::ListDocumentsResponse {
            documents: page
                .documents
                .iter()
                .map(|d| convert::stored_to_pb(d, request.include_content, unit))
                .collect(),
            next_page_token,
            total_size: page.total,
        }))
    }
}
