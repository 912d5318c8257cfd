//! The portal's per-method execution-time budget (`operating`): each answer's `time` says how many
//! seconds this method has run for this application or webhook over the last ten minutes, and
//! when part of that is released (`operating_reset_at`). Past the limit the portal refuses the
//! method with `OPERATION_TIME_LIMIT`; the client waits for the release before getting there.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use std::sync::Arc;

use crate::catalog::BudgetReading;
use crate::error::ConfigProblem;
use crate::settings::Span;
use crate::shared::SharedBucket;

/// The execution-time budget per method: the portal's limit and how close to it the client lets
/// a method get before it waits for the next release.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OperatingBudget {
    limit: Duration,
    headroom: Duration,
}

impl Default for OperatingBudget {
    /// The documented cloud limit, 480 s in 10 minutes, keeping 10 s of headroom.
    fn default() -> OperatingBudget {
        OperatingBudget {
            limit: Duration::from_secs(480),
            headroom: Duration::from_secs(10),
        }
    }
}

impl OperatingBudget {
    /// A portal with another limit (on-premise: 420 s when enabled); `headroom` is how much of
    /// it stays unused.
    pub fn new(limit: Duration, headroom: Duration) -> OperatingBudget {
        OperatingBudget { limit, headroom }
    }

    /// A budget from settings that may each be left out (the bindings' options), the defaults
    /// filling the gaps. The limit must be above zero and the headroom below the limit.
    pub fn from_settings(
        limit: Option<Span>,
        headroom: Option<Span>,
    ) -> Result<OperatingBudget, ConfigProblem> {
        let defaults = OperatingBudget::default();
        let limit = match limit {
            Some(span) => span.duration("operating budget limit")?,
            None => defaults.limit,
        };
        let headroom = match headroom {
            Some(span) => span.duration("operating budget headroom")?,
            None => defaults.headroom,
        };
        if limit.is_zero() {
            return Err(ConfigProblem::InvalidLimit {
                name: "operating budget limit",
            });
        }
        if headroom >= limit {
            return Err(ConfigProblem::HeadroomNotBelowLimit);
        }
        Ok(OperatingBudget { limit, headroom })
    }

    /// The portal's limit per method and window.
    pub fn limit(&self) -> Duration {
        self.limit
    }

    /// How much of the limit the client leaves unused.
    pub fn headroom(&self) -> Duration {
        self.headroom
    }

    fn threshold(&self) -> f64 {
        self.limit.saturating_sub(self.headroom).as_secs_f64()
    }
}

/// When waiting for the portal's release time cannot be worked out (no `time` seen yet).
const UNKNOWN_RELEASE_WAIT: Duration = Duration::from_secs(10);

/// The last figures each method reported, with the portal's release time on this machine's clock;
/// with a shared store, every reading also goes there for the other processes.
#[derive(Debug)]
pub(crate) struct OperatingTracker {
    budget: OperatingBudget,
    methods: Mutex<HashMap<String, Reported>>,
    shared: Option<Arc<SharedBucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Reported {
    operating: f64,
    released_at: Instant,
}

impl OperatingTracker {
    #[cfg(test)]
    pub(crate) fn new(budget: OperatingBudget) -> OperatingTracker {
        OperatingTracker::sharing(budget, None)
    }

    /// A tracker that also tells `shared` each reading.
    pub(crate) fn sharing(
        budget: OperatingBudget,
        shared: Option<Arc<SharedBucket>>,
    ) -> OperatingTracker {
        OperatingTracker {
            budget,
            methods: Mutex::new(HashMap::new()),
            shared,
        }
    }

    /// Seconds of use past which a method waits for the portal's release.
    pub(crate) fn threshold(&self) -> f64 {
        self.budget.threshold()
    }

    /// Notes what an answer that arrived at `received` reported. The release time is a Unix
    /// time on the portal's clock; it is moved onto ours through the answer's own time.
    pub(crate) fn record(&self, method: &str, reading: Option<BudgetReading>, received: Instant) {
        let Some(reading) = reading else {
            return;
        };
        let operating = reading.used_seconds;
        let ahead = (reading.released_at - reading.answered_at).clamp(0.0, 3600.0);
        let released_at = received + Duration::from_secs_f64(ahead);
        if let Some(shared) = &self.shared {
            shared.record_budget(method, operating, Duration::from_secs_f64(ahead));
        }
        let reported = Reported {
            operating,
            released_at,
        };
        let mut methods = self.methods.lock().unwrap_or_else(|p| p.into_inner());
        // A known method is updated in place: no allocation per answer.
        match methods.get_mut(method) {
            Some(known) => *known = reported,
            None => {
                methods.insert(method.to_string(), reported);
            }
        }
    }

    /// How long to hold a call of `method` so that it does not run into the limit.
    pub(crate) fn wait_before(&self, method: &str, now: Instant) -> Duration {
        let methods = self.methods.lock().unwrap_or_else(|p| p.into_inner());
        match methods.get(method) {
            Some(r) if r.operating >= self.budget.threshold() => {
                r.released_at.saturating_duration_since(now)
            }
            _ => Duration::ZERO,
        }
    }

    /// How long to wait after the portal refused `method` with `OPERATION_TIME_LIMIT`: until the
    /// release it last reported (the error itself carries no time), or a fixed wait without one.
    pub(crate) fn wait_after_refusal(&self, method: &str, now: Instant) -> Duration {
        let methods = self.methods.lock().unwrap_or_else(|p| p.into_inner());
        match methods.get(method) {
            Some(r) if r.released_at > now => r.released_at - now,
            _ => UNKNOWN_RELEASE_WAIT,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::catalog::AnswerTime;
    use crate::testing::Time;

    fn time(finish: f64, operating: Option<f64>, reset_at: Option<f64>) -> Option<BudgetReading> {
        Time::at(finish, operating, reset_at).budget()
    }

    #[test]
    fn waits_for_the_release_only_near_the_limit() {
        let tracker = OperatingTracker::new(OperatingBudget::default());
        let now = Instant::now();
        tracker.record("m", time(1000.0, Some(100.0), Some(1030.0)), now);
        assert_eq!(tracker.wait_before("m", now), Duration::ZERO);
        // 470 s of 480 with 10 s headroom: hold until the release, 30 s after the answer.
        tracker.record("m", time(1000.0, Some(470.0), Some(1030.0)), now);
        assert_eq!(tracker.wait_before("m", now), Duration::from_secs(30));
        assert_eq!(
            tracker.wait_before("m", now + Duration::from_secs(31)),
            Duration::ZERO
        );
        // Other methods have their own budget.
        assert_eq!(tracker.wait_before("other", now), Duration::ZERO);
    }

    #[test]
    fn the_portal_clock_is_mapped_onto_ours() {
        let tracker =
            OperatingTracker::new(OperatingBudget::new(Duration::from_secs(1), Duration::ZERO));
        let now = Instant::now();
        // The portal's clock is an hour off ours; only the distance to its `finish` counts.
        tracker.record("m", time(5000.5, Some(2.0), Some(5002.0)), now);
        assert_eq!(tracker.wait_before("m", now), Duration::from_millis(1500));
    }

    #[test]
    fn budgets_from_settings() {
        let budget = OperatingBudget::from_settings(None, Some(Span::Seconds(30.0))).unwrap();
        assert_eq!(budget.limit(), Duration::from_secs(480));
        assert_eq!(budget.headroom(), Duration::from_secs(30));
        assert_eq!(
            OperatingBudget::from_settings(Some(Span::Millis(0.0)), None),
            Err(ConfigProblem::InvalidLimit {
                name: "operating budget limit"
            })
        );
        assert_eq!(
            OperatingBudget::from_settings(Some(Span::Seconds(10.0)), None),
            Err(ConfigProblem::HeadroomNotBelowLimit)
        );
        assert_eq!(
            OperatingBudget::from_settings(None, Some(Span::Seconds(-1.0))),
            Err(ConfigProblem::InvalidDuration {
                name: "operating budget headroom"
            })
        );
    }

    #[test]
    fn after_a_refusal() {
        let tracker = OperatingTracker::new(OperatingBudget::default());
        let now = Instant::now();
        assert_eq!(tracker.wait_after_refusal("m", now), UNKNOWN_RELEASE_WAIT);
        tracker.record("m", time(10.0, Some(1.0), Some(12.0)), now);
        assert_eq!(tracker.wait_after_refusal("m", now), Duration::from_secs(2));
        // Answers without the figures change nothing.
        tracker.record("m", time(10.0, None, None), now);
        assert_eq!(tracker.wait_after_refusal("m", now), Duration::from_secs(2));
    }
}
