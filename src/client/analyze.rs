//! `docsift analyze [FILE|-]`: one `Analyzer/Analyze` call, printed as a
//! readable report or (`--json`) as the response's proto3 JSON.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::connect::{Client, ConnectArgs};
use super::ingest::document_from_bytes;
use super::style::{Style, one_line, pad, truncate};
use super::{Failure, Outcome, emit, json};
use crate::proto::pb;

/// The parts of an analysis, as `--features` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FeatureArg {
    /// Language, script and confidence.
    Language,
    /// Counts and readability.
    Stats,
    /// Sentence spans and their sentiment.
    Sentences,
    /// Tokens (not computed unless asked).
    Tokens,
    /// Entities with their mentions.
    Entities,
    /// Key phrases.
    Keyphrases,
    /// Document sentiment.
    Sentiment,
    /// The summary sentences.
    Summary,
    /// Quotes and their speakers.
    Quotes,
    /// What the cleanup ignored.
    Cleanup,
    /// Content hash and SimHash.
    Fingerprint,
}

impl FeatureArg {
    /// The wire value.
    pub fn to_pb(self) -> pb::Feature {
        match self {
            FeatureArg::Language => pb::Feature::Language,
            FeatureArg::Stats => pb::Feature::Stats,
            FeatureArg::Sentences => pb::Feature::Sentences,
            FeatureArg::Tokens => pb::Feature::Tokens,
            FeatureArg::Entities => pb::Feature::Entities,
            FeatureArg::Keyphrases => pb::Feature::Keyphrases,
            FeatureArg::Sentiment => pb::Feature::Sentiment,
            FeatureArg::Summary => pb::Feature::Summary,
            FeatureArg::Quotes => pb::Feature::Quotes,
            FeatureArg::Cleanup => pb::Feature::Cleanup,
            FeatureArg::Fingerprint => pb::Feature::Fingerprint,
        }
    }
}

/// Arguments of `docsift analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// The document: a file (.html/.htm read as HTML, .md as Markdown, other
    /// HTML recognised by its content), or `-` for stdin.
    #[arg(default_value = "-")]
    pub file: PathBuf,
    /// Compute only these parts (comma-separated) [default: all but tokens].
    #[arg(long, value_enum, value_delimiter = ',')]
    pub features: Vec<FeatureArg>,
    /// Print the response as proto3 JSON (as grpcurl does).
    #[arg(long)]
    pub json: bool,
    /// How many entities the report shows.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// The connection.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Runs `docsift analyze`.
pub async fn run(args: AnalyzeArgs) -> Outcome {
    let bytes = read_input(&args.file)?;
    let document = document_from_bytes(bytes, extension(&args.file));
    let client = Client::connect(&args.connect).await?;
    let request = pb::AnalyzeRequest {
        document: Some(document),
        options: Some(pb::AnalyzeOptions {
            features: args.features.iter().map(|f| f.to_pb() as i32).collect(),
            ..Default::default()
        }),
    };
    let response = client
        .analyzer()
        .analyze(client.request(request))
        .await
        .map_err(|s| client.failure(&s))?
        .into_inner();
    if args.json {
        let text =
            json::to_json("docsift.v1.AnalyzeResponse", &response).map_err(Failure::Failed)?;
        emit(&format!("{text}\n"))?;
    } else {
        let analysis = response.analysis.unwrap_or_default();
        emit(&report(&analysis, Style::detect(), args.top))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The lower-case extension of a path, if any.
pub fn extension(path: &Path) -> Option<String> {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
}

fn read_input(path: &Path) -> Result<Vec<u8>, Failure> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::Usage(format!("cannot read stdin: {e}")))?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))
}

/// The name of an enum value without its prefix: `ENTITY_TYPE_PERSON` →
/// `PERSON`.
pub fn short_name<'a>(name: &'a str, prefix: &str) -> &'a str {
    name.strip_prefix(prefix).unwrap_or(name)
}

/// The readable report of an analysis: language, size, sentiment, the `top`
/// most salient entities with their types and mentions, quotes with
/// speakers, key phrases and the summary. Parts the analysis lacks are left
/// out.
pub fn report(analysis: &pb::Analysis, style: Style, top: usize) -> String {
    let mut out = String::new();
    let label = |name: &str| style.heading(&pad(name, 10));
    if let Some(language) = &analysis.language {
        let mut line = format!("{} {}", label("Language"), language.code);
        if !language.name.is_empty() {
            line.push_str(&format!(" ({}", language.name));
            if !language.script.is_empty() {
                line.push_str(&format!(", {} script", language.script));
            }
            line.push(')');
        }
        line.push_str(&format!(
            ", confidence {:.2}{}",
            language.confidence,
            if language.reliable {
                ""
            } else {
                ", unreliable"
            }
        ));
        out.push_str(&line);
        out.push('\n');
    }
    if let Some(stats) = &analysis.stats {
        out.push_str(&format!(
            "{} {} words, {} sentences, {} paragraphs; Flesch reading ease {:.1}\n",
            label("Size"),
            stats.words,
            stats.sentences,
            stats.paragraphs,
            stats.flesch_reading_ease
        ));
    }
    if let Some(sentiment) = &analysis.sentiment {
        out.push_str(&format!(
            "{} {} (score {:.2}, magnitude {:.2})\n",
            label("Sentiment"),
            short_name(sentiment.label().as_str_name(), "SENTIMENT_LABEL_").to_lowercase(),
            sentiment.score,
            sentiment.magnitude
        ));
    }
    if !analysis.title.is_empty() {
        out.push_str(&format!(
            "{} {}\n",
            label("Title"),
            one_line(&analysis.title)
        ));
    }

    if !analysis.entities.is_empty() {
        let mut entities: Vec<&pb::Entity> = analysis.entities.iter().collect();
        entities.sort_by(|a, b| b.salience.total_cmp(&a.salience));
        let shown = entities.len().min(top);
        out.push_str(&format!(
            "\n{}\n",
            style.heading(&format!(
                "Entities ({shown} of {}, most salient first)",
                entities.len()
            ))
        ));
        let rows: Vec<(String, String, String, String)> = entities[..shown]
            .iter()
            .map(|e| {
                // A mention over a line break of a hard-wrapped text is
                // shown on one line.
                let mut forms: Vec<String> = Vec::new();
                for mention in &e.mentions {
                    let form = one_line(&mention.text);
                    if !forms.contains(&form) {
                        forms.push(form);
                    }
                }
                let mut detail = format!("×{}", e.mentions.len());
                if forms.len() > 1 || forms.first().is_some_and(|f| *f != e.name) {
                    detail.push_str(&format!(
                        "  {}",
                        style.dim(&truncate(&forms.join(", "), 60))
                    ));
                }
                (
                    format!("{:.3}", e.salience),
                    short_name(e.r#type().as_str_name(), "ENTITY_TYPE_").to_string(),
                    e.name.clone(),
                    detail,
                )
            })
            .collect();
        let type_width = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
        let name_width = rows
            .iter()
            .map(|r| r.2.chars().count())
            .max()
            .unwrap_or(0)
            .min(40);
        for (salience, kind, name, detail) in rows {
            out.push_str(&format!(
                "  {salience}  {}  {}  {detail}\n",
                pad(&kind, type_width),
                pad(&truncate(&name, 40), name_width)
            ));
        }
    }

    if !analysis.quotes.is_empty() {
        out.push_str(&format!(
            "\n{}\n",
            style.heading(&format!("Quotes ({})", analysis.quotes.len()))
        ));
        for quote in &analysis.quotes {
            let speaker = if quote.speaker.is_empty() {
                "(unknown speaker)".to_string()
            } else {
                quote.speaker.clone()
            };
            let mut who = speaker;
            if !quote.cue.is_empty() {
                who.push_str(&format!(" {}", quote.cue));
            }
            let kind = short_name(quote.kind().as_str_name(), "QUOTE_KIND_").to_lowercase();
            out.push_str(&format!(
                "  {} {}: {}\n",
                style.heading(&who),
                style.dim(&format!("[{kind}]")),
                truncate(&one_line(&quote.text), 300)
            ));
        }
    }

    if !analysis.keyphrases.is_empty() {
        out.push_str(&format!("\n{}\n", style.heading("Key phrases")));
        let phrases: Vec<&str> = analysis
            .keyphrases
            .iter()
            .take(15)
            .map(|k| k.text.as_str())
            .collect();
        out.push_str(&format!("  {}\n", phrases.join(" · ")));
    }

    if let Some(summary) = &analysis.summary
        && !summary.text.trim().is_empty()
    {
        out.push_str(&format!("\n{}\n", style.heading("Summary")));
        out.push_str(&format!("  {}\n", one_line(&summary.text)));
    }
    out
}
