//! The portal's execution-time budget: per method and per application or webhook, the time its
//! calls spent is kept in ten baskets that together span the window (ten one-minute baskets on a
//! real portal). Once the total is over the limit, the next call of that method from that caller
//! is refused with `OPERATION_TIME_LIMIT` until old baskets drop out. Tests scale the window down
//! and give each call a simulated cost, since the emulator's handlers take microseconds.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Baskets per window, as on the portal.
const BASKETS: usize = 10;

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
        let basket = (now / limit.basket_length()).floor() * limit.basket_length();
        let spending = self.current(limit, (caller.to_string(), method.to_string()), now);
        let cost = processing + limit.cost_seconds;
        match spending.last_mut() {
            Some((start, seconds)) if *start == basket => *seconds += cost,
            _ => spending.push((basket, cost)),
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
        let t = 100.0;
        for i in 0..3 {
            assert!(b.admits(&limit, "hook", "m", t), "call {i}");
            b.book(&limit, "hook", "m", t, 0.0);
        }
        // 1.2 s spent: the next call is refused, another method or caller is not.
        assert!(!b.admits(&limit, "hook", "m", t + 0.5));
        assert!(b.admits(&limit, "hook", "other", t + 0.5));
        assert!(b.admits(&limit, "app", "m", t + 0.5));
        let reading = b.book(&limit, "hook", "other", t + 0.5, 0.0);
        assert_eq!(reading.reset_at, 110.0);
        assert!(b.admits(&limit, "hook", "m", t + 10.0));
    }
}
