//! The portal's execution-time budget: per method and per application or webhook, the time its
//! calls spent is kept in baskets a tenth of the window long (one minute on a real portal). As the
//! docs describe it, a basket starts with the first call that falls in no open basket and drops
//! out a window later: a first call at 10:05:20 is released at 10:15:20. Once the total is over the
//! limit, the next call of that method from that caller is refused with `OPERATION_TIME_LIMIT`
//! until old baskets drop out. Tests scale the window down
//! and give each call a simulated cost, since the emulator's handlers take microseconds.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Baskets per window, as on the portal.
const BASKETS: usize = 10;

/// The execution-time budget a portal keeps per method and per application or webhook.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatingLimit {
    /// Seconds of execution time allowed per window (480 on cloud portals).
    pub limit_seconds: f64,
    /// The window (600 s on a portal).
    #[serde(default = "default_window")]
    pub window_seconds: f64,
    /// Seconds each call counts, added to its real processing time.
    #[serde(default)]
    pub cost_seconds: f64,
}

fn default_window() -> f64 {
    600.0
}

impl OperatingLimit {
    pub(crate) fn is_valid(&self) -> bool {
        self.limit_seconds > 0.0 && self.window_seconds > 0.0 && self.cost_seconds >= 0.0
    }

    fn basket_length(&self) -> f64 {
        self.window_seconds / BASKETS as f64
    }
}

/// What one caller spent on one method: `(basket start, seconds)`, oldest first.
type Spending = Vec<(f64, f64)>;

#[derive(Debug, Default)]
pub(crate) struct Budgets {
    spent: HashMap<(String, String), Spending>,
}

/// The `operating` and `operating_reset_at` a response reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Reading {
    pub operating: f64,
    pub reset_at: f64,
}

impl Budgets {
    fn current<'a>(
        &'a mut self,
        limit: &OperatingLimit,
        key: (String, String),
        now: f64,
    ) -> &'a mut Spending {
        let spending = self.spent.entry(key).or_default();
        spending.retain(|(start, _)| start + limit.window_seconds > now);
        spending
    }

    /// Whether a call may start now.
    pub(crate) fn admits(
        &mut self,
        limit: &OperatingLimit,
        caller: &str,
        method: &str,
        now: f64,
    ) -> bool {
        let spending = self.current(limit, (caller.to_string(), method.to_string()), now);
        spending.iter().map(|(_, s)| s).sum::<f64>() <= limit.limit_seconds
    }

    /// Books a finished call and reads the budget after it.
    pub(crate) fn book(
        &mut self,
        limit: &OperatingLimit,
        caller: &str,
        method: &str,
        now: f64,
        processing: f64,
    ) -> Reading {
        let basket_length = limit.basket_length();
        let spending = self.current(limit, (caller.to_string(), method.to_string()), now);
        let cost = processing + limit.cost_seconds;
        match spending.last_mut() {
            Some((start, seconds)) if now < *start + basket_length => *seconds += cost,
            _ => spending.push((now, cost)),
        }
        Reading {
            operating: spending.iter().map(|(_, s)| s).sum(),
            reset_at: spending[0].0 + limit.window_seconds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_the_limit_until_the_oldest_basket_drops_out() {
        let limit = OperatingLimit {
            limit_seconds: 1.0,
            window_seconds: 10.0,
            cost_seconds: 0.4,
        };
        let mut b = Budgets::default();
        let t = 100.25;
        for i in 0..3 {
            assert!(b.admits(&limit, "hook", "m", t), "call {i}");
            b.book(&limit, "hook", "m", t, 0.0);
        }
        // 1.2 s spent: the next call is refused, another method or caller is not.
        assert!(!b.admits(&limit, "hook", "m", t + 0.5));
        assert!(b.admits(&limit, "hook", "other", t + 0.5));
        assert!(b.admits(&limit, "app", "m", t + 0.5));
        let reading = b.book(&limit, "hook", "other", t + 0.5, 0.0);
        assert_eq!(
            reading.reset_at, 110.75,
            "a window after that method's first call"
        );
        assert!(!b.admits(&limit, "hook", "m", t + 9.9));
        assert!(b.admits(&limit, "hook", "m", t + 10.0));
    }

    #[test]
    fn a_basket_starts_with_its_first_call_not_on_a_boundary() {
        // The docs' example, scaled: a first call at 10:05:20 is released at 10:15:20.
        let limit = OperatingLimit {
            limit_seconds: 100.0,
            window_seconds: 600.0,
            cost_seconds: 1.0,
        };
        let mut b = Budgets::default();
        let first = 36_320.0; // 10:05:20
        assert_eq!(
            b.book(&limit, "hook", "m", first, 0.0).reset_at,
            first + 600.0
        );
        // 50 s later is the same basket; 70 s later opens a second one. The oldest decides.
        b.book(&limit, "hook", "m", first + 50.0, 0.0);
        let reading = b.book(&limit, "hook", "m", first + 70.0, 0.0);
        assert_eq!((reading.operating, reading.reset_at), (3.0, first + 600.0));
        // Once the first basket drops out, the second one's start decides.
        let later = b.book(&limit, "hook", "m", first + 601.0, 0.0);
        assert_eq!((later.operating, later.reset_at), (2.0, first + 670.0));
    }
}
