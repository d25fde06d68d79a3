//! `docsift eval`: the analysis scored against gold data read at run time
//! (CoNLL NER files, PolNeAR quote attributions). The data is never part of
//! the repository; these modules only read the formats and score.

pub mod brat;
pub mod conll;
pub mod ner;
pub mod quotes;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

/// `docsift eval`: what to score.
#[derive(Debug, Args)]
pub struct EvalArgs {
    #[command(subcommand)]
    command: EvalCommand,
}

#[derive(Debug, Subcommand)]
enum EvalCommand {
    /// Scores the entity stage on CoNLL/IOB files (IOB1 or IOB2): precision,
    /// recall and F1 per type and micro over PER/ORG/LOC, and tokens/s.
    Ner {
        /// A CoNLL file (token first, tag last); repeat for several.
        #[arg(long, required = true)]
        conll: Vec<PathBuf>,
        /// Prints JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Scores direct quotes and their speakers on a PolNeAR directory
    /// (`text/` and `attributions/` in brat standoff format).
    Quotes {
        /// The directory, for example `.../polnear/dev`.
        #[arg(long)]
        polnear: PathBuf,
        /// Prints JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Lists, on standard error, each quote docsift found that no gold
        /// direct quote overlaps, each gold quote it missed, and each wrong
        /// speaker (for error analysis; use it on train, not dev).
        #[arg(long)]
        explain: bool,
    },
}

/// Runs `docsift eval`.
pub fn run(args: EvalArgs) -> ExitCode {
    match args.command {
        EvalCommand::Ner { conll, json } => {
            let mut docs = Vec::new();
            let mut files = Vec::new();
            for path in &conll {
                match std::fs::read_to_string(path) {
                    Ok(text) => docs.extend(conll::parse(&text)),
                    Err(e) => {
                        eprintln!("docsift: cannot read {}: {e}", path.display());
                        return ExitCode::from(2);
                    }
                }
                files.push(path.display().to_string());
            }
            let report = ner::evaluate(files, &docs);
            print_report(&report, json, ner::Report::table)
        }
        EvalCommand::Quotes {
            polnear,
            json,
            explain,
        } => match quotes::evaluate(&polnear, explain) {
            Ok(report) => print_report(&report, json, quotes::Report::table),
            Err(e) => {
                eprintln!("docsift: cannot read {}: {e}", polnear.display());
                ExitCode::from(2)
            }
        },
    }
}

fn print_report<R: serde::Serialize>(report: &R, json: bool, table: fn(&R) -> String) -> ExitCode {
    if json {
        match serde_json::to_string_pretty(report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("docsift: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        print!("{}", table(report));
    }
    ExitCode::SUCCESS
}
