//! How often one person may ask, and how often the bot repeats itself
//! unprompted. Both are plain state machines over a clock the caller passes
//! in, so they are tested without sleeping; both forget idle entries, so
//! their memory stays flat however many people come and go.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

/// Entries are looked over for idle ones at most this often.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// What happens to a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Answer it; it used one question of the allowance.
    Granted,
    /// Over the limit: not answered. `sign` says whether to show the person
    /// (a reaction or a private reply): at most once per refill interval, so
    /// someone flooding the channel cannot make the bot flood it too.
    Held { again_in: Duration, sign: bool },
}

/// A wait in whole seconds, rounded up, at least 1: what to tell a person.
pub fn seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// A token bucket per person: `burst` questions in a row, then one more
/// every `refill`. Stored as the moment each bucket will be full again
/// (GCRA), so a person whose bucket is full needs no entry at all.
#[derive(Debug)]
pub struct Allowances<K> {
    burst: u32,
    refill: Duration,
    people: HashMap<K, Bucket>,
    next_prune: Option<Instant>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// When the bucket is full again.
    full_at: Instant,
    /// When the person was last shown that a question was held.
    signed_at: Option<Instant>,
}

impl<K: Hash + Eq + Copy> Allowances<K> {
    /// A zero `refill` means no limit.
    pub fn new(burst: u32, refill: Duration) -> Self {
        Allowances {
            burst: burst.max(1),
            refill,
            people: HashMap::new(),
            next_prune: None,
        }
    }

    fn unlimited(&self) -> bool {
        self.refill.is_zero()
    }

    /// How long a full bucket takes to empty: `burst` questions' worth.
    fn capacity(&self) -> Duration {
        self.refill.saturating_mul(self.burst)
    }

    /// How long until `who` may ask again (zero: now).
    fn wait(&self, who: K, now: Instant) -> Duration {
        let Some(b) = self.people.get(&who) else {
            return Duration::ZERO;
        };
        // Asking takes `refill` of room; the bucket holds `capacity`.
        let used = b.full_at.saturating_duration_since(now);
        (used + self.refill).saturating_sub(self.capacity())
    }

    /// Would a question from `who` be granted now? Uses nothing.
    pub fn would_grant(&self, who: K, now: Instant) -> bool {
        self.unlimited() || self.wait(who, now).is_zero()
    }

    /// Takes one question from `who`'s allowance if there is one.
    pub fn take(&mut self, who: K, now: Instant) -> Verdict {
        if self.unlimited() {
            return Verdict::Granted;
        }
        self.prune_if_due(now);
        let again_in = self.wait(who, now);
        let refill = self.refill;
        let bucket = self.people.entry(who).or_insert(Bucket {
            full_at: now,
            signed_at: None,
        });
        if again_in.is_zero() {
            bucket.full_at = bucket.full_at.max(now) + refill;
            return Verdict::Granted;
        }
        let sign = bucket.signed_at.is_none_or(|t| now.duration_since(t) >= refill);
        if sign {
            bucket.signed_at = Some(now);
        }
        Verdict::Held { again_in, sign }
    }

    /// How many people are remembered.
    pub fn len(&self) -> usize {
        self.people.len()
    }

    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    fn prune_if_due(&mut self, now: Instant) {
        if self.next_prune.is_some_and(|t| now < t) {
            return;
        }
        let refill = self.refill;
        // A full bucket whose sign window has passed is the same as none.
        self.people
            .retain(|_, b| b.full_at > now || b.signed_at.is_some_and(|t| now.duration_since(t) < refill));
        self.next_prune = Some(now + PRUNE_EVERY);
    }
}

/// When each key last happened, for "at most once per `window`".
#[derive(Debug)]
pub struct Repeats<K> {
    window: Duration,
    last: HashMap<K, Instant>,
    next_prune: Option<Instant>,
}

impl<K: Hash + Eq + Clone> Repeats<K> {
    pub fn new(window: Duration) -> Self {
        Repeats {
            window,
            last: HashMap::new(),
            next_prune: None,
        }
    }

    /// Has none of `keys` happened within the window? Notes nothing.
    pub fn all_fresh<'a>(&self, keys: impl IntoIterator<Item = &'a K>, now: Instant) -> bool
    where
        K: 'a,
    {
        keys.into_iter()
            .all(|k| self.last.get(k).is_none_or(|t| now.duration_since(*t) >= self.window))
    }

    /// Notes that `keys` happened now.
    pub fn note(&mut self, keys: impl IntoIterator<Item = K>, now: Instant) {
        self.prune_if_due(now);
        for k in keys {
            self.last.insert(k, now);
        }
    }

    pub fn len(&self) -> usize {
        self.last.len()
    }

    pub fn is_empty(&self) -> bool {
        self.last.is_empty()
    }

    fn prune_if_due(&mut self, now: Instant) {
        if self.next_prune.is_some_and(|t| now < t) {
            return;
        }
        let window = self.window;
        self.last.retain(|_, t| now.duration_since(*t) < window);
        self.next_prune = Some(now + PRUNE_EVERY.min(window.max(Duration::from_secs(1))));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    fn held(v: Verdict) -> bool {
        matches!(v, Verdict::Held { .. })
    }

    #[test]
    fn a_burst_is_granted_then_one_question_per_refill() {
        let t0 = Instant::now();
        let mut a = Allowances::new(3, 5 * SECOND);
        for i in 0..3 {
            assert_eq!(
                a.take(1, t0 + i * SECOND / 10),
                Verdict::Granted,
                "question {i} of the burst"
            );
        }
        assert!(held(a.take(1, t0 + SECOND)));
        assert!(!a.would_grant(1, t0 + 4 * SECOND));
        assert!(a.would_grant(1, t0 + 5 * SECOND), "one question back after one refill");
        assert_eq!(a.take(1, t0 + 5 * SECOND), Verdict::Granted);
        assert!(held(a.take(1, t0 + 6 * SECOND)), "and only one");
        assert_eq!(a.take(2, t0 + 6 * SECOND), Verdict::Granted, "others are not affected");
    }

    #[test]
    fn the_whole_burst_comes_back_after_a_quiet_while() {
        let t0 = Instant::now();
        let mut a = Allowances::new(3, 5 * SECOND);
        for _ in 0..3 {
            a.take(1, t0);
        }
        let later = t0 + 15 * SECOND;
        for i in 0..3 {
            assert_eq!(a.take(1, later), Verdict::Granted, "question {i}");
        }
        assert!(held(a.take(1, later)));
    }

    #[test]
    fn a_held_question_says_when_to_ask_again_and_signs_once_per_refill() {
        let t0 = Instant::now();
        let mut a = Allowances::new(1, 10 * SECOND);
        assert_eq!(a.take(1, t0), Verdict::Granted);
        assert_eq!(
            a.take(1, t0 + SECOND),
            Verdict::Held {
                again_in: 9 * SECOND,
                sign: true
            }
        );
        assert_eq!(
            a.take(1, t0 + 2 * SECOND),
            Verdict::Held {
                again_in: 8 * SECOND,
                sign: false
            },
            "one sign per window"
        );
        assert_eq!(a.take(1, t0 + 10 * SECOND), Verdict::Granted);
        assert_eq!(
            a.take(1, t0 + 12 * SECOND),
            Verdict::Held {
                again_in: 8 * SECOND,
                sign: true
            },
            "a new window, a new sign"
        );
    }

    #[test]
    fn looking_uses_nothing() {
        let t0 = Instant::now();
        let mut a = Allowances::new(1, 10 * SECOND);
        for _ in 0..5 {
            assert!(a.would_grant(1, t0));
        }
        assert_eq!(a.take(1, t0), Verdict::Granted);
        assert!(!a.would_grant(1, t0));
    }

    #[test]
    fn a_zero_refill_is_no_limit() {
        let t0 = Instant::now();
        let mut a = Allowances::new(1, Duration::ZERO);
        for _ in 0..100 {
            assert_eq!(a.take(1, t0), Verdict::Granted);
        }
        assert!(a.is_empty(), "nothing to remember");
    }

    #[test]
    fn idle_people_are_forgotten_so_memory_stays_flat() {
        let t0 = Instant::now();
        let mut a = Allowances::new(3, 5 * SECOND);
        for who in 0..10_000u64 {
            a.take(who, t0);
        }
        assert_eq!(a.len(), 10_000);
        // Long enough for every bucket to refill and the next look-over to come.
        let later = t0 + PRUNE_EVERY + 15 * SECOND;
        a.take(99_999, later);
        assert_eq!(a.len(), 1, "only the person asking now");
    }

    #[test]
    fn people_still_limited_are_not_forgotten() {
        let t0 = Instant::now();
        let mut a = Allowances::new(1, 600 * SECOND);
        a.take(1, t0);
        a.take(2, t0 + PRUNE_EVERY + SECOND);
        assert_eq!(a.len(), 2);
        assert!(
            held(a.take(1, t0 + PRUNE_EVERY + 2 * SECOND)),
            "still limited after a prune"
        );
    }

    #[test]
    fn repeats_are_refused_within_the_window_and_forgotten_after() {
        let t0 = Instant::now();
        let mut r = Repeats::new(600 * SECOND);
        let key = |n: u32| (7u64, format!("fact-{n}"));
        assert!(r.all_fresh([&key(1), &key(2)], t0));
        r.note([key(1)], t0);
        assert!(!r.all_fresh([&key(1), &key(2)], t0 + SECOND));
        assert!(r.all_fresh([&key(2)], t0 + SECOND), "looking notes nothing");
        assert!(r.all_fresh([&key(1)], t0 + 600 * SECOND));
        for n in 0..1_000 {
            r.note([key(n)], t0 + SECOND);
        }
        assert_eq!(r.len(), 1_000);
        r.note([key(5_000)], t0 + 700 * SECOND);
        assert_eq!(r.len(), 1, "idle entries are pruned");
    }
}
