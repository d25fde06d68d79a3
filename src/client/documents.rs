//! `docsift get ID`, `docsift delete ID` and `docsift list`: the stored
//! documents, one `Documents` call each.

use std::process::ExitCode;

use chrono::DateTime;
use clap::Args;

use super::analyze::report;
use super::connect::{Client, ConnectArgs};
use super::style::{Style, one_line, pad, truncate};
use super::{Failure, Outcome, emit, json};
use crate::proto::pb;

/// Arguments of `docsift get`.
#[derive(Debug, Args)]
pub struct GetArgs {
    /// The document's id.
    pub id: String,
    /// Also print the stored analysis.
    #[arg(long)]
    pub analysis: bool,
    /// Print the stored document as proto3 JSON (as grpcurl does).
    #[arg(long)]
    pub json: bool,
    /// The connection.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Arguments of `docsift delete`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The document's id.
    pub id: String,
    /// The connection.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Arguments of `docsift list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Documents per page (the server allows up to 1000).
    #[arg(long, default_value_t = 20)]
    pub page_size: i32,
    /// The page token printed under the previous page.
    #[arg(long, value_name = "TOKEN")]
    pub next: Option<String>,
    /// Print the response as proto3 JSON (as grpcurl does).
    #[arg(long)]
    pub json: bool,
    /// The connection.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

fn time_of(timestamp: Option<&prost_types::Timestamp>) -> String {
    timestamp
        .and_then(|t| DateTime::from_timestamp(t.seconds, t.nanos.max(0) as u32))
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default()
}

/// Runs `docsift get`.
pub async fn get(args: GetArgs) -> Outcome {
    let client = Client::connect(&args.connect).await?;
    let request = pb::GetDocumentRequest {
        id: args.id.clone(),
        // The text view shows the extracted text of HTML and Markdown,
        // which comes with the analysis.
        include_analysis: args.analysis || !args.json,
        offset_unit: pb::OffsetUnit::Unspecified as i32,
    };
    let stored = client
        .documents()
        .get_document(client.request(request))
        .await
        .map_err(|s| client.failure(&s))?
        .into_inner();
    if args.json {
        let text = json::to_json("docsift.v1.StoredDocument", &stored).map_err(Failure::Failed)?;
        emit(&format!("{text}\n"))?;
    } else {
        emit(&render_document(&stored, Style::detect(), args.analysis))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A stored document: its fields, its text (the extracted text of HTML or
/// Markdown when the analysis came with it), and with `with_report` the
/// analysis report.
pub fn render_document(stored: &pb::StoredDocument, style: Style, with_report: bool) -> String {
    let document = stored.document.clone().unwrap_or_default();
    let mut fields: Vec<(&str, String)> = vec![
        ("id", document.id.clone()),
        ("version", stored.version.to_string()),
        ("stored", time_of(stored.created_at.as_ref())),
        ("title", one_line(&document.title)),
        ("source", document.source.clone()),
        ("url", document.url.clone()),
        ("published", time_of(document.published_at.as_ref())),
        ("language", document.language.clone()),
        ("tags", document.tags.join(", ")),
    ];
    let mut attributes: Vec<String> = document
        .attributes
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    attributes.sort();
    fields.push(("attributes", attributes.join(", ")));
    let mut out = String::new();
    for (name, value) in fields {
        if !value.is_empty() {
            out.push_str(&format!("{} {value}\n", style.heading(&pad(name, 10))));
        }
    }
    let extracted = stored
        .analysis
        .as_ref()
        .map(|a| a.extracted_text.clone())
        .filter(|t| !t.trim().is_empty());
    let text = match (extracted, &document.content) {
        (Some(text), _) => text,
        (None, Some(pb::document::Content::Text(text))) => text.clone(),
        (None, Some(pb::document::Content::Raw(raw))) => String::from_utf8_lossy(raw).into_owned(),
        (None, None) => String::new(),
    };
    if !text.trim().is_empty() {
        out.push('\n');
        out.push_str(text.trim_end());
        out.push('\n');
    }
    if with_report && let Some(analysis) = &stored.analysis {
        out.push('\n');
        out.push_str(&report(analysis, style, 10));
    }
    out
}

/// Runs `docsift delete`.
pub async fn delete(args: DeleteArgs) -> Outcome {
    let client = Client::connect(&args.connect).await?;
    let request = pb::DeleteDocumentRequest {
        id: args.id.clone(),
        refresh: pb::Refresh::WaitFor as i32,
    };
    let response = client
        .documents()
        .delete_document(client.request(request))
        .await
        .map_err(|s| client.failure(&s))?
        .into_inner();
    emit(&format!(
        "deleted {} (version {})\n",
        response.id, response.version
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `docsift list`.
pub async fn list(args: ListArgs) -> Outcome {
    let client = Client::connect(&args.connect).await?;
    let request = pb::ListDocumentsRequest {
        page_size: args.page_size,
        page_token: args.next.clone().unwrap_or_default(),
        include_analysis: false,
        include_content: false,
    };
    let response = client
        .documents()
        .list_documents(client.request(request))
        .await
        .map_err(|s| client.failure(&s))?
        .into_inner();
    if args.json {
        let text = json::to_json("docsift.v1.ListDocumentsResponse", &response)
            .map_err(Failure::Failed)?;
        emit(&format!("{text}\n"))?;
    } else {
        emit(&render_list(&response, Style::detect()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The table of a page of documents: id, version, when stored, title.
pub fn render_list(response: &pb::ListDocumentsResponse, style: Style) -> String {
    let mut out = String::new();
    let id_width = response
        .documents
        .iter()
        .filter_map(|d| d.document.as_ref())
        .map(|d| d.id.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    for stored in &response.documents {
        let document = stored.document.clone().unwrap_or_default();
        let line = format!(
            "{}  v{:<3} {}  {}",
            style.id(&pad(&truncate(&document.id, 40), id_width)),
            stored.version,
            style.dim(&time_of(stored.created_at.as_ref())),
            truncate(&one_line(&document.title), 80)
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(&style.dim(&format!(
        "{} of {} documents",
        response.documents.len(),
        response.total_size
    )));
    out.push('\n');
    if !response.next_page_token.is_empty() {
        out.push_str(&format!("next page: --next {}\n", response.next_page_token));
    }
    out
}
