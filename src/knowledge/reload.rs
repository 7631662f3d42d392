//! Bringing a changed fact base in without a restart. The whole new base is
//! checked first; only a good one replaces the old, in one atomic swap, so a
//! question in flight sees either the old base or the new one. A bad one
//! leaves the last good base serving and is reported with file:line:column.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use notify::{RecursiveMode, Watcher};

use super::KnowledgeError;
use crate::answers::Knowledge;
use crate::matching::MatcherConfig;

/// What a reload brought in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reloaded {
    pub facts: usize,
    pub sources: usize,
}

/// Owns the swap of the shared base.
#[derive(Debug)]
pub struct Reloader {
    dir: PathBuf,
    matcher: MatcherConfig,
    /// The base being served; `None` in a process that answers nothing (the
    /// command line), where a reload only checks that the base loads.
    knowledge: Option<Arc<ArcSwap<Knowledge>>>,
    /// Where the article texts are, to check every quote on each reload.
    articles: Option<PathBuf>,
    /// Reloads asked for so far.
    asked: AtomicU64,
    /// Only one reload at a time, so an older read never lands after a
    /// newer; and the last one, which reloads asked for while it waited
    /// to start share (none before the first).
    last: std::sync::Mutex<Option<Last>>,
    /// Hears every outcome, whichever way the reload was asked for.
    observer: Option<Observer>,
}

/// The last reload done: how many had been asked for when it began to
/// read the folder (every one of them sees what it read), and its outcome.
#[derive(Debug)]
struct Last {
    covers: u64,
    outcome: Result<Reloaded, KnowledgeError>,
}

/// A function told of every reload's outcome.
type ObserverFn = dyn Fn(&Result<Reloaded, KnowledgeError>) + Send + Sync;

struct Observer(Box<ObserverFn>);

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Observer")
    }
}

impl Reloader {
    pub fn new(dir: &Path, matcher: MatcherConfig, knowledge: Arc<ArcSwap<Knowledge>>) -> Reloader {
        Reloader {
            dir: dir.to_path_buf(),
            matcher,
            knowledge: Some(knowledge),
            articles: None,
            asked: AtomicU64::new(0),
            last: std::sync::Mutex::new(None),
            observer: None,
        }
    }

    /// Checks every quote against the article texts in this folder on each reload.
    pub fn with_articles(mut self, articles: Option<PathBuf>) -> Reloader {
        self.articles = articles;
        self
    }

    /// Tells `observer` the outcome of every reload (a watched change, a
    /// command, a signal, an edit), e.g. to count them.
    pub fn observed(
        mut self,
        observer: impl Fn(&Result<Reloaded, KnowledgeError>) + Send + Sync + 'static,
    ) -> Reloader {
        self.observer = Some(Observer(Box::new(observer)));
        self
    }

    /// For a process that serves no answers: a reload checks the base as
    /// the bot would load it, without building an index nobody would ask.
    pub fn checking(dir: &Path) -> Reloader {
        Reloader {
            dir: dir.to_path_buf(),
            matcher: MatcherConfig::default(),
            knowledge: None,
            articles: None,
            asked: AtomicU64::new(0),
            last: std::sync::Mutex::new(None),
            observer: None,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Loads and checks the folder; swaps the new base in only if it is good.
    /// The folder is always read after this is called, so a change written
    /// before is in it; but reloads asked for while another runs wait for it
    /// and then share one reload (fifty saves at once load the base two or
    /// three times, not fifty), each told its outcome.
    pub fn reload(&self) -> Result<Reloaded, KnowledgeError> {
        let ticket = self.asked.fetch_add(1, Ordering::SeqCst) + 1;
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(done) = last.as_ref().filter(|done| done.covers >= ticket) {
            return done.outcome.clone();
        }
        let covers = self.asked.load(Ordering::SeqCst);
        let result = super::FactBase::load_verified(&self.dir, self.articles.as_deref()).map(|base| {
            let reloaded = Reloaded {
                facts: base.facts().len(),
                sources: base.sources().len(),
            };
            if let Some(shared) = &self.knowledge {
                shared.store(Arc::new(Knowledge::new(base, &self.matcher)));
            }
            reloaded
        });
        if let Some(observer) = &self.observer {
            (observer.0)(&result);
        }
        *last = Some(Last {
            covers,
            outcome: result.clone(),
        });
        result
    }
}

/// Watches the knowledge folder and reloads after changes settle (several
/// events from one save, or a git checkout of many files, make one reload).
/// `report` hears every outcome. Dropping the returned watcher stops it.
pub fn watch(
    reloader: Arc<Reloader>,
    settle: Duration,
    report: impl Fn(Result<Reloaded, KnowledgeError>) + Send + 'static,
) -> notify::Result<notify::RecommendedWatcher> {
    let (tx, rx) = mpsc::channel::<()>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            let relevant = event
                .paths
                .iter()
                .any(|p| p.extension().is_some_and(|e| e == "toml") && !is_hidden(p));
            if relevant && !event.kind.is_access() {
                let _ = tx.send(());
            }
        }
    })?;
    watcher.watch(reloader.dir(), RecursiveMode::Recursive)?;
    std::thread::Builder::new()
        .name("talksbot-reload".into())
        .spawn(move || {
            while rx.recv().is_ok() {
                // Wait until no event has come for `settle`.
                while rx.recv_timeout(settle).is_ok() {}
                report(reloader.reload());
            }
        })
        .map_err(|e| notify::Error::generic(&e.to_string()))?;
    Ok(watcher)
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_base_keeps_the_good_one_serving() {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kb");
        for f in ["sources.toml", "synonyms.toml", "facts/town.toml"] {
            std::fs::create_dir_all(dir.path().join("facts")).unwrap();
            std::fs::copy(root.join(f), dir.path().join(f)).unwrap();
        }
        let config = MatcherConfig::default();
        let first = Knowledge::load(dir.path(), &config).unwrap();
        let shared = Arc::new(ArcSwap::from_pointee(first));
        let reloader = Reloader::new(dir.path(), config, Arc::clone(&shared));
        std::fs::write(
            dir.path().join("facts/broken.toml"),
            "[[fact]]\nid = \"x\"\nanswer = \n",
        )
        .unwrap();
        let err = reloader.reload().unwrap_err();
        assert!(err.to_string().contains("broken.toml:3:"), "{err}");
        assert_eq!(shared.load().base.facts().len(), 2);
        std::fs::remove_file(dir.path().join("facts/broken.toml")).unwrap();
        assert!(reloader.reload().is_ok());
    }

    #[test]
    fn saves_reloading_at_once_share_reloads_and_each_is_served_when_its_reload_returns() {
        const SAVES: u64 = 6;
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kb");
        std::fs::create_dir_all(dir.path().join("facts")).unwrap();
        for f in ["sources.toml", "synonyms.toml", "facts/town.toml"] {
            std::fs::copy(root.join(f), dir.path().join(f)).unwrap();
        }
        let config = MatcherConfig::default();
        let shared = Arc::new(ArcSwap::from_pointee(Knowledge::load(dir.path(), &config).unwrap()));
        // The first reload holds on until every save has asked for its
        // own, so that they all queue behind it.
        let this: Arc<std::sync::OnceLock<std::sync::Weak<Reloader>>> = Arc::default();
        let loads = Arc::new(AtomicU64::new(0));
        let reloader = Arc::new(Reloader::new(dir.path(), config, Arc::clone(&shared)).observed({
            let (this, loads) = (Arc::clone(&this), Arc::clone(&loads));
            move |_| {
                if loads.fetch_add(1, Ordering::SeqCst) == 0 {
                    let reloader = this.get().and_then(std::sync::Weak::upgrade).unwrap();
                    while reloader.asked.load(Ordering::SeqCst) < SAVES {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                }
            }
        }));
        this.set(Arc::downgrade(&reloader)).unwrap();
        let saves: Vec<_> = (0..SAVES)
            .map(|i| {
                let (reloader, shared, dir) = (Arc::clone(&reloader), Arc::clone(&shared), dir.path().to_path_buf());
                std::thread::spawn(move || {
                    let id = format!("extra-{i}");
                    let fact = format!(
                        "[[fact]]\nid = \"{id}\"\nquestions = [\"What is extra {i}?\"]\nanswer = \"Extra {i}.\"\nsources = [\"gazette-2024-06-01\"]\nquotes = [\"The new bridge opened on May 28\"]\n"
                    );
                    std::fs::write(dir.join(format!("facts/{id}.toml")), fact).unwrap();
                    let reloaded = reloader.reload().unwrap();
                    assert!(shared.load().base.fact(&id).is_some(), "{id} is served once its reload returns");
                    reloaded.facts
                })
            })
            .collect();
        let counts: Vec<usize> = saves.into_iter().map(|s| s.join().unwrap()).collect();
        assert_eq!(shared.load().base.facts().len(), 2 + SAVES as usize);
        assert!(counts.contains(&(2 + SAVES as usize)), "{counts:?}");
        // The one that held on, and at most one for every save queued
        // behind it (none if all had asked before it began to read).
        assert!(loads.load(Ordering::SeqCst) <= 2, "{loads:?} reloads");
    }

    #[test]
    fn the_observer_hears_every_reload_good_or_bad() {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kb");
        std::fs::create_dir_all(dir.path().join("facts")).unwrap();
        for f in ["sources.toml", "synonyms.toml", "facts/town.toml"] {
            std::fs::copy(root.join(f), dir.path().join(f)).unwrap();
        }
        let heard = Arc::new(std::sync::Mutex::new(Vec::new()));
        let reloader = Reloader::checking(dir.path()).observed({
            let heard = Arc::clone(&heard);
            move |r| heard.lock().unwrap().push(r.as_ref().map(|r| r.facts).map_err(|_| ()))
        });
        assert!(reloader.reload().is_ok());
        std::fs::write(dir.path().join("facts/broken.toml"), "[[fact]]\nid = \n").unwrap();
        assert!(reloader.reload().is_err());
        assert_eq!(*heard.lock().unwrap(), [Ok(2), Err(())]);
    }
}
