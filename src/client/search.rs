//! `docsift search QUERY`: a table of hits with highlighted snippets and
//! the facets underneath; `docsift watch QUERY`: each newly ingested match
//! as it arrives, until Ctrl-C. Both take the same filter flags.

use std::process::ExitCode;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use clap::Args;

use super::connect::{Client, ConnectArgs};
use super::style::{Style, one_line, pad, truncate};
use super::{Failure, Outcome, emit, json};
use crate::proto::pb;

/// Filters, each flag repeatable; values of one flag are alternatives, the
/// flags all apply.
#[derive(Debug, Clone, Default, Args)]
pub struct FilterArgs {
    /// Only documents in this language (ISO 639-1 code, e.g. `en`).
    #[arg(long = "lang", value_name = "CODE")]
    pub languages: Vec<String>,
    /// Only documents with this tag.
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Only documents from this source.
    #[arg(long = "source")]
    pub sources: Vec<String>,
    /// Only documents that mention this entity (its canonical name).
    #[arg(long = "entity", value_name = "NAME")]
    pub entities: Vec<String>,
    /// Only documents with an entity of this type (PERSON, ORGANIZATION,
    /// LOCATION, ...).
    #[arg(long = "entity-type", value_name = "TYPE", value_parser = parse_entity_type)]
    pub entity_types: Vec<pb::EntityType>,
    /// Only documents with this attribute value (`KEY=VALUE`).
    #[arg(long = "attr", value_name = "KEY=VALUE", value_parser = parse_attribute)]
    pub attributes: Vec<(String, String)>,
    /// Only documents published at or after this time (`2015-11-15` or RFC 3339).
    #[arg(long, value_name = "DATE", value_parser = parse_time)]
    pub after: Option<DateTime<Utc>>,
    /// Only documents published before this time (`2015-11-16` or RFC 3339).
    #[arg(long, value_name = "DATE", value_parser = parse_time)]
    pub before: Option<DateTime<Utc>>,
}

fn parse_entity_type(text: &str) -> Result<pb::EntityType, String> {
    let upper = text.trim().to_ascii_uppercase();
    let name = if upper.starts_with("ENTITY_TYPE_") {
        upper
    } else {
        format!("ENTITY_TYPE_{upper}")
    };
    match pb::EntityType::from_str_name(&name) {
        Some(pb::EntityType::Unspecified) | None => Err(format!(
            "unknown entity type {text:?}; use PERSON, ORGANIZATION, LOCATION, GROUP, EVENT, \
             DATE, TIME, NUMBER, QUANTITY, MONEY, PERCENT, EMAIL, URL, PHONE or OTHER"
        )),
        Some(kind) => Ok(kind),
    }
}

fn parse_attribute(text: &str) -> Result<(String, String), String> {
    let (key, value) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not KEY=VALUE"))?;
    if key.trim().is_empty() {
        return Err(format!("{text:?} has an empty key"));
    }
    Ok((key.trim().to_string(), value.to_string()))
}

/// Parses `2015-11-15` (midnight UTC) or an RFC 3339 time.
pub fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| Utc.from_utc_datetime(&t))
        .ok_or_else(|| format!("{text:?} is not a date (2015-11-15) or an RFC 3339 time"))
}

fn timestamp(time: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: time.timestamp(),
        nanos: time.timestamp_subsec_nanos() as i32,
    }
}

impl FilterArgs {
    /// The wire filter, or none when no flag is given.
    pub fn to_pb(&self) -> Option<pb::SearchFilter> {
        let filter = pb::SearchFilter {
            languages: self.languages.clone(),
            tags: self.tags.clone(),
            sources: self.sources.clone(),
            entities: self.entities.clone(),
            entity_types: self.entity_types.iter().map(|t| *t as i32).collect(),
            attributes: self.attributes.iter().cloned().collect(),
            published_after: self.after.map(timestamp),
            published_before: self.before.map(timestamp),
        };
        (filter != pb::SearchFilter::default()).then_some(filter)
    }
}

/// The order of hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Order {
    /// Best match first.
    Relevance,
    /// Most recently published first.
    Newest,
    /// Least recently published first.
    Oldest,
}

/// The query syntax of `--plain` (or its absence).
fn query_syntax(plain: bool) -> pb::QuerySyntax {
    if plain {
        pb::QuerySyntax::PlainText
    } else {
        pb::QuerySyntax::QueryLanguage
    }
}

/// Arguments of `docsift search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: terms, "phrases", +must -must_not, AND/OR/NOT, `title:`,
    /// `entity:`, `speaker:` prefixes; empty matches every document.
    #[arg(default_value = "")]
    pub query: String,
    /// Read the query as plain text (a question, any characters): its words
    /// ranked by relevance, no operators.
    #[arg(long)]
    pub plain: bool,
    /// The filters.
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Fields to count over all matches (comma-separated): language, tags,
    /// source, keyphrase, entity.PERSON, entity.ORGANIZATION, entity.LOCATION.
    #[arg(long, value_delimiter = ',')]
    pub facets: Vec<String>,
    /// Hits per page (the server allows up to 100).
    #[arg(long, default_value_t = 10)]
    pub page_size: i32,
    /// The page token printed under the previous page.
    #[arg(long, value_name = "TOKEN")]
    pub next: Option<String>,
    /// The order of hits.
    #[arg(long, value_enum, default_value = "relevance")]
    pub order: Order,
    /// Print the response as proto3 JSON (as grpcurl does).
    #[arg(long)]
    pub json: bool,
    /// The connection.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Runs `docsift search`.
pub async fn run(args: SearchArgs) -> Outcome {
    let client = Client::connect(&args.connect).await?;
    let request = pb::SearchRequest {
        query: args.query.clone(),
        filter: args.filter.to_pb(),
        page_size: args.page_size,
        page_token: args.next.clone().unwrap_or_default(),
        order_by: match args.order {
            Order::Relevance => pb::SearchOrder::Relevance,
            Order::Newest => pb::SearchOrder::PublishedAtDesc,
            Order::Oldest => pb::SearchOrder::PublishedAtAsc,
        } as i32,
        facets: args
            .facets
            .iter()
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty())
            .collect(),
        highlight: None,
        view: pb::SearchView::Basic as i32,
        query_syntax: query_syntax(args.plain) as i32,
    };
    let response = client
        .search()
        .search(client.request(request))
        .await
        .map_err(|s| client.failure(&s))?
        .into_inner();
    if args.json {
        let text =
            json::to_json("docsift.v1.SearchResponse", &response).map_err(Failure::Failed)?;
        emit(&format!("{text}\n"))?;
    } else {
        emit(&render_results(&response, Style::detect()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A fragment with its matched spans painted (the spans are UTF-8 byte
/// ranges into the fragment; one that is not on char boundaries is shown
/// unpainted rather than cut).
pub fn paint_fragment(highlight: &pb::Highlight, style: Style) -> String {
    let fragment = &highlight.fragment;
    let mut spans: Vec<(usize, usize)> = highlight
        .spans
        .iter()
        .map(|s| (s.begin as usize, s.end as usize))
        .filter(|(b, e)| b < e && fragment.get(*b..*e).is_some())
        .collect();
    spans.sort_unstable();
    let mut out = String::with_capacity(fragment.len() + spans.len() * 12);
    let mut at = 0;
    for (begin, end) in spans {
        if begin < at {
            continue;
        }
        out.push_str(&fragment[at..begin]);
        out.push_str(&style.matched(&fragment[begin..end]));
        at = end;
    }
    out.push_str(&fragment[at..]);
    one_line(&out)
}

fn date_of(timestamp: Option<&prost_types::Timestamp>) -> String {
    timestamp
        .and_then(|t| DateTime::from_timestamp(t.seconds, t.nanos.max(0) as u32))
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The table of hits, the facets and the next page's token.
pub fn render_results(response: &pb::SearchResponse, style: Style) -> String {
    let mut out = String::new();
    if response.hits.is_empty() {
        out.push_str("no hits\n");
    }
    let id_width = response
        .hits
        .iter()
        .map(|h| h.id.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    let rank_width = response.hits.len().to_string().len();
    for (n, hit) in response.hits.iter().enumerate() {
        let title = if hit.title.trim().is_empty() {
            style.dim("(no title)")
        } else {
            truncate(&one_line(&hit.title), 80)
        };
        let date = date_of(hit.published_at.as_ref());
        let mut line = format!(
            "{:>rank_width$}  {:>6.2}  {}  ",
            n + 1,
            hit.score,
            style.id(&pad(&truncate(&hit.id, 40), id_width)),
        );
        if !date.is_empty() {
            line.push_str(&style.dim(&date));
            line.push_str("  ");
        }
        line.push_str(&title);
        out.push_str(line.trim_end());
        out.push('\n');
        for highlight in hit.highlights.iter().filter(|h| h.field != "title").take(2) {
            out.push_str(&format!(
                "{}  {}\n",
                " ".repeat(rank_width),
                paint_fragment(highlight, style)
            ));
        }
    }
    for facet in &response.facets {
        if facet.values.is_empty() {
            continue;
        }
        let values: Vec<String> = facet
            .values
            .iter()
            .map(|v| format!("{} ({})", v.value, v.count))
            .collect();
        out.push_str(&format!(
            "{} {}\n",
            style.heading(&format!("{}:", facet.field)),
            values.join(", ")
        ));
    }
    let mut footer = format!("{} of {} hits", response.hits.len(), response.total_size);
    if let Some(took) = &response.took {
        let millis = took.seconds as f64 * 1000.0 + f64::from(took.nanos) / 1e6;
        footer.push_str(&format!(", the server took {millis:.1} ms"));
    }
    out.push_str(&style.dim(&footer));
    out.push('\n');
    if !response.next_page_token.is_empty() {
        out.push_str(&format!("next page: --next {}\n", response.next_page_token));
    }
    out
}

/// Arguments of `docsift watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The query every new document is matched against; empty matches all.
    #[arg(default_value = "")]
    pub query: String,
    /// Read the query as plain text (any characters, no operators).
    #[arg(long)]
    pub plain: bool,
    /// The filters.
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Print each match as one line of proto3 JSON (a WatchResponse).
    #[arg(long)]
    pub json: bool,
    /// The connection.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Runs `docsift watch` until Ctrl-C (exit 0) or until the stream fails.
pub async fn watch(args: WatchArgs) -> Outcome {
    let client = Client::connect(&args.connect).await?;
    let request = pb::WatchRequest {
        query: args.query.clone(),
        filter: args.filter.to_pb(),
        view: pb::SearchView::Basic as i32,
        query_syntax: query_syntax(args.plain) as i32,
    };
    let mut stream = client
        .search()
        .watch(client.stream_request(request))
        .await
        .map_err(|s| client.failure(&s))?
        .into_inner();
    eprintln!(
        "watching {} for documents matching {:?} (Ctrl-C to stop)",
        client.server(),
        args.query
    );
    let style = Style::detect();
    loop {
        tokio::select! {
            message = stream.message() => match message {
                Ok(Some(response)) => {
                    if args.json {
                        let line = json::to_json_line("docsift.v1.WatchResponse", &response)
                            .map_err(Failure::Failed)?;
                        emit(&format!("{line}\n"))?;
                    } else {
                        emit(&format!("{}\n", render_watch(&response, style)))?;
                    }
                }
                Ok(None) => {
                    eprintln!("the server ended the watch");
                    return Ok(ExitCode::SUCCESS);
                }
                Err(status) => return Err(client.failure(&status)),
            },
            _ = tokio::signal::ctrl_c() => return Ok(ExitCode::SUCCESS),
        }
    }
}

/// One line for a watched match: the event, the id, the title.
pub fn render_watch(response: &pb::WatchResponse, style: Style) -> String {
    let event = match response.event() {
        pb::IngestEvent::Created => "created",
        pb::IngestEvent::Updated => "updated",
        pb::IngestEvent::Unspecified => "ingested",
    };
    let hit = response.hit.clone().unwrap_or_default();
    let title = if hit.title.trim().is_empty() {
        hit.highlights
            .iter()
            .find(|h| h.field != "title")
            .map(|h| paint_fragment(h, style))
            .unwrap_or_default()
    } else {
        truncate(&one_line(&hit.title), 80)
    };
    format!("{event:<8} {}  {title}", style.id(&hit.id))
        .trim_end()
        .to_string()
}
