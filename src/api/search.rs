//! `docsift.v1.Search`: search, more-like-this and watch over the corpus.

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{mpsc, watch};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use super::convert;
use super::wire::{self, SearchReply};
use crate::analysis::offsets::OffsetUnit;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::middleware::Caller;
use crate::proto::pb;
use crate::search::page_token::{Cursor, CursorRef, request_hash};
use crate::search::{
    FacetField, Hit, Order, QuerySyntax, SearchAfter, SearchRequest, SimilarRequest,
    WatchEventKind, WatchSpec,
};

/// The default page size of Search and SimilarDocuments.
const DEFAULT_PAGE: usize = 10;
/// The largest page size of Search and SimilarDocuments.
const MAX_PAGE: usize = 100;
/// The longest query string.
const MAX_QUERY_BYTES: usize = 4096;
/// The default highlight fragment size, in characters.
const DEFAULT_FRAGMENT: usize = 160;
/// The largest highlight fragment size, in characters.
const MAX_FRAGMENT: usize = 2000;

/// The Search service.
#[derive(Debug, Clone)]
pub struct SearchApi {
    engine: Arc<Engine>,
    shutdown: watch::Receiver<bool>,
}

impl SearchApi {
    /// Builds the service over an engine. Watch streams end when `shutdown`
    /// turns true, so a server can drain.
    pub fn new(engine: Arc<Engine>, shutdown: watch::Receiver<bool>) -> Self {
        SearchApi { engine, shutdown }
    }
}

fn check_query(query: &str) -> Result<String> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(Error::invalid(
            "query",
            format!("is {} bytes; at most {MAX_QUERY_BYTES}", query.len()),
        ));
    }
    Ok(query.trim().to_string())
}

fn order_from_pb(value: i32) -> Result<Order> {
    match pb::SearchOrder::try_from(value) {
        Ok(pb::SearchOrder::Unspecified | pb::SearchOrder::Relevance) => Ok(Order::Relevance),
        Ok(pb::SearchOrder::PublishedAtDesc) => Ok(Order::PublishedDesc),
        Ok(pb::SearchOrder::PublishedAtAsc) => Ok(Order::PublishedAsc),
        Err(_) => Err(Error::invalid("order_by", format!("unknown order {value}"))),
    }
}

fn syntax_from_pb(field: &str, value: i32) -> Result<QuerySyntax> {
    match pb::QuerySyntax::try_from(value) {
        Ok(pb::QuerySyntax::Unspecified | pb::QuerySyntax::QueryLanguage) => {
            Ok(QuerySyntax::QueryLanguage)
        }
        Ok(pb::QuerySyntax::PlainText) => Ok(QuerySyntax::PlainText),
        Err(_) => Err(Error::invalid(
            field,
            format!("unknown query syntax {value}"),
        )),
    }
}

fn full_view(field: &str, value: i32) -> Result<bool> {
    match pb::SearchView::try_from(value) {
        Ok(pb::SearchView::Unspecified | pb::SearchView::Basic) => Ok(false),
        Ok(pb::SearchView::Full) => Ok(true),
        Err(_) => Err(Error::invalid(field, format!("unknown view {value}"))),
    }
}

fn hits_to_pb(hits: &[Hit], full: bool, unit: OffsetUnit) -> Vec<pb::SearchHit> {
    hits.iter()
        .map(|h| convert::hit_to_pb(h, full, unit))
        .collect()
}

#[tonic::async_trait]
impl crate::proto::search::search_server::Search for SearchApi {
    async fn search(
        &self,
        request: Request<pb::SearchRequest>,
    ) -> Result<Response<SearchReply>, Status> {
        let started = Instant::now();
        let caller = Caller::of(&request);
        let request = request.into_inner();
        let query = check_query(&request.query)?;
        let syntax = syntax_from_pb("query_syntax", request.query_syntax)?;
        let filter = convert::filter_from_pb("filter", request.filter)?;
        let limit = super::page_size(request.page_size, DEFAULT_PAGE, MAX_PAGE)?;
        let order = order_from_pb(request.order_by)?;
        let full = full_view("view", request.view)?;
        let mut facets = Vec::with_capacity(request.facets.len());
        for (i, name) in request.facets.iter().enumerate() {
            let field = FacetField::parse(name).ok_or_else(|| {
                Error::invalid(
                    format!("facets[{i}]"),
                    format!(
                        "unknown facet {name:?}; use language, tags, source, keyphrase, speaker or entity.TYPE (entity.PERSON, entity.ORGANIZATION, entity.LOCATION, ...)"
                    ),
                )
            })?;
            facets.push((name.clone(), field));
        }
        let highlight = request.highlight.unwrap_or_default();
        let unit = convert::offset_unit_from_pb("highlight.offset_unit", highlight.offset_unit)?;
        let highlight_chars = if highlight.disabled {
            None
        } else {
            match highlight.fragment_size as usize {
                0 => Some(DEFAULT_FRAGMENT),
                n if n > MAX_FRAGMENT => {
                    return Err(Error::invalid(
                        "highlight.fragment_size",
                        format!("at most {MAX_FRAGMENT} characters"),
                    )
                    .into());
                }
                n => Some(n),
            }
        };

        let mut search = SearchRequest {
            query,
            syntax,
            filter,
            after: None,
            stats: None,
            limit,
            order,
            facets,
            highlight_chars,
        };
        // A page token is bound to the query, filter and order it was made
        // for; the hash is only needed to read or make one.
        let hash = |search: &SearchRequest| {
            request_hash(&(
                "Search",
                &caller.tenant,
                &search.query,
                search.syntax,
                &search.filter,
                search.order,
            ))
        };
        let tokens = self.engine.page_tokens();
        // Pages continue after the last hit of the previous one (keyset
        // paging), scored with the first page's statistics, so ingesting
        // meanwhile neither repeats nor skips a document.
        if !request.page_token.is_empty() {
            match tokens.decode(&request.page_token, &hash(&search))? {
                None => {}
                Some(Cursor::Search { after, stats }) => {
                    search.after = Some(after);
                    search.stats = stats;
                }
                Some(Cursor::AfterId(_)) => {
                    return Err(Error::invalid("page_token", "not a Search page token").into());
                }
            }
        }

        let results = self.engine.search(&caller.tenant, &search).await?;
        let rendering = (!full).then(|| wire::rendering(unit));
        Ok(Response::new(SearchReply::for_page(
            &results,
            rendering,
            started,
            || pb::SearchResponse {
                hits: hits_to_pb(&results.hits, full, unit),
                total_size: results.total,
                facets: results
                    .facets
                    .iter()
                    .map(|(field, values)| pb::Facet {
                        field: field.clone(),
                        values: values
                            .iter()
                            .map(|(value, count)| pb::FacetValue {
                                value: value.clone(),
                                count: *count,
                            })
                            .collect(),
                    })
                    .collect(),
                next_page_token: match results.hits.last() {
                    Some(last) if results.has_more => tokens.encode(
                        &hash(&search),
                        CursorRef::Search {
                            after: &SearchAfter::of(last, search.order),
                            stats: results.stats.as_ref(),
                        },
                    ),
                    _ => String::new(),
                },
                took: None,
            },
        )))
    }

    async fn similar_documents(
        &self,
        request: Request<pb::SimilarDocumentsRequest>,
    ) -> Result<Response<pb::SimilarDocumentsResponse>, Status> {
        let caller = Caller::of(&request);
        let request = request.into_inner();
        let limit = super::page_size(request.page_size, DEFAULT_PAGE, MAX_PAGE)?;
        let filter = convert::filter_from_pb("filter", request.filter)?;
        let results = match request.like {
            Some(pb::similar_documents_request::Like::Id(id)) => {
                convert::validate_id("id", &id)?;
                self.engine
                    .similar(
                        &caller.tenant,
                        SimilarRequest {
                            like: crate::search::Like::Id(id),
                            limit,
                            filter,
                        },
                    )
                    .await?
            }
            Some(pb::similar_documents_request::Like::Text(text)) => {
                if text.trim().is_empty() {
                    return Err(Error::invalid("text", "must not be empty").into());
                }
                self.engine
                    .similar_to_text(&caller.tenant, text, limit, filter)
                    .await?
            }
            None => {
                return Err(Error::invalid("id", "set id (a stored document) or text").into());
            }
        };
        Ok(Response::new(pb::SimilarDocumentsResponse {
            hits: hits_to_pb(&results.hits, false, OffsetUnit::Utf8),
            terms: results.terms,
        }))
    }

    type WatchStream = ReceiverStream<Result<pb::WatchResponse, Status>>;

    async fn watch(
        &self,
        request: Request<pb::WatchRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        let caller = Caller::of(&request);
        let request = request.into_inner();
        let query = check_query(&request.query)?;
        let syntax = syntax_from_pb("query_syntax", request.query_syntax)?;
        let filter = convert::filter_from_pb("filter", request.filter)?;
        let full = full_view("view", request.view)?;
        let mut events = self.engine.watch(
            &caller.tenant,
            WatchSpec {
                query,
                syntax,
                filter,
            },
        )?;
        let (tx, rx) = mpsc::channel(16);
        let mut shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            loop {
                let event = tokio::select! {
                    event = events.recv() => event,
                    // The server is draining: end the stream so it can stop.
                    _ = async { let _ = shutdown.wait_for(|down| *down).await; } => {
                        let _ = tx.send(Err(Status::from(Error::Unavailable("the server is shutting down; reconnect to resume watching".into())))).await;
                        return;
                    }
                    // The client went away: drop the watch.
                    _ = tx.closed() => return,
                };
                let message = match event {
                    None => return,
                    Some(Err(err)) => Err(Status::from(err)),
                    Some(Ok(event)) => Ok(pb::WatchResponse {
                        hit: Some(convert::hit_to_pb(
                            &Hit {
                                document: event.document,
                                score: 0.0,
                                highlights: Vec::new(),
                            },
                            full,
                            OffsetUnit::Utf8,
                        )),
                        event: match event.kind {
                            WatchEventKind::Created => pb::IngestEvent::Created,
                            WatchEventKind::Updated => pb::IngestEvent::Updated,
                        } as i32,
                    }),
                };
                let failed = message.is_err();
                if tx.send(message).await.is_err() || failed {
                    return;
                }
            }
        });
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{DocumentInput, IngestOptions};
    use crate::proto::search::search_server::Search;
    use crate::search::page_token::PageTokens;
    use crate::store::memory::{MemoryStore, MemoryStoreConfig};

    async fn api(search_cache_bytes: u64) -> SearchApi {
        let store = MemoryStore::new(MemoryStoreConfig {
            search_cache_bytes,
            ..MemoryStoreConfig::default()
        });
        let engine = Arc::new(Engine::new(store, PageTokens::new(b"test")));
        let options = IngestOptions {
            wait_for_refresh: true,
            ..IngestOptions::default()
        };
        for i in 0..4 {
            let text = format!("Storm {i} reached the coast of Portugal, officials said.");
            engine
                .ingest(
                    crate::store::DEFAULT_TENANT,
                    DocumentInput::plain_text(Some(format!("d{i}")), String::new(), text),
                    options,
                )
                .await
                .expect("ingest");
        }
        SearchApi::new(engine, watch::channel(false).1)
    }

    async fn search(api: &SearchApi, view: pb::SearchView) -> SearchReply {
        api.search(Request::new(pb::SearchRequest {
            query: "storm".into(),
            page_size: 2,
            view: view as i32,
            ..Default::default()
        }))
        .await
        .expect("search")
        .into_inner()
    }

    #[tokio::test]
    async fn a_cached_basic_page_is_encoded_once_and_sent_again() {
        let api = api(1 << 20).await;
        let SearchReply::Encoded { page: first, .. } = search(&api, pb::SearchView::Basic).await
        else {
            panic!("the cache holds the page: it is kept encoded");
        };
        let SearchReply::Encoded { page: again, .. } = search(&api, pb::SearchView::Basic).await
        else {
            panic!("answered from the kept page");
        };
        // The same bytes, not an equal copy.
        assert_eq!(first.as_ptr(), again.as_ptr());
        let decoded = SearchReply::Encoded {
            page: again,
            took: None,
        }
        .to_message();
        assert_eq!(decoded.hits.len(), 2);
        assert!(!decoded.next_page_token.is_empty());

        // A FULL view is built for each call.
        assert!(matches!(
            search(&api, pb::SearchView::Full).await,
            SearchReply::Message(_)
        ));
    }

    #[tokio::test]
    async fn without_the_cache_nothing_is_kept_encoded() {
        let api = api(0).await;
        for _ in 0..2 {
            let SearchReply::Message(message) = search(&api, pb::SearchView::Basic).await else {
                panic!("no cache, no kept page");
            };
            assert_eq!(message.hits.len(), 2);
            assert!(message.took.is_some());
        }
    }
}
