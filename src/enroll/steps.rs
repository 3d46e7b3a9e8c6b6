//! The steps of the journey and their order, as plain data.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Account,
    Company,
    Contact,
    Review,
    Agreement,
    Done,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Account,
        Step::Company,
        Step::Contact,
        Step::Review,
        Step::Agreement,
        Step::Done,
    ];

    pub fn index(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    pub fn path(self) -> &'static str {
        self.route().path()
    }

    /// The step whose page `route` is, if it is one.
    pub fn of(route: pc_api::routes::Route) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.route() == route)
    }

    /// The step's page.
    pub fn route(self) -> pc_api::routes::Route {
        use pc_api::routes::Route;
        match self {
            Step::Account => Route::Account,
            Step::Company => Route::Company,
            Step::Contact => Route::Contact,
            Step::Review => Route::Review,
            Step::Agreement => Route::Agreement,
            Step::Done => Route::Done,
        }
    }

    pub fn title_key(self) -> &'static str {
        match self {
            Step::Account => "step-account",
            Step::Company => "step-company",
            Step::Contact => "step-contact",
            Step::Review => "step-review",
            Step::Agreement => "step-agreement",
            Step::Done => "step-done",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_numbered_in_journey_order_with_distinct_paths() {
        let idx: Vec<_> = Step::ALL.iter().map(|s| s.index()).collect();
        assert_eq!(idx, [0, 1, 2, 3, 4, 5]);
        let mut paths: Vec<_> = Step::ALL.iter().map(|s| s.path()).collect();
        paths.dedup();
        assert_eq!(paths.len(), 6);
        assert!(paths.iter().all(|p| p.starts_with("/enroll/")));
        for s in Step::ALL {
            assert_eq!(s.route().path(), s.path());
        }
    }

    #[test]
    fn the_layouts_stepper_finds_the_step_of_each_route() {
        use pc_api::routes::Route;
        for s in Step::ALL {
            assert_eq!(Step::of(s.route()), Some(s));
        }
        // The welcome page and the pages outside the journey have none.
        for r in [
            Route::Welcome,
            Route::VerifyEmail,
            Route::Dashboard,
            Route::Users,
        ] {
            assert_eq!(Step::of(r), None);
        }
    }
}
