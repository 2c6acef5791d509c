//! The maps File → New from template starts from: four worked examples bundled into the
//! binary (`samples/*.ron`, through `include_str!`), each loaded through the normal loader
//! so a template is a map like any other — `tests/samples.rs` checks that each loads with
//! no problems.
//!
//! A template opens as a new, untitled map (Save asks where); the example's figures are
//! there to be overwritten. Nothing here touches the UI or the disk.

use crate::format::{self, FormatError};
use crate::model::Map;

/// One bundled template.
#[derive(Clone, Copy, Debug)]
pub struct Template {
    /// The menu entry (`NRR driver tree`).
    pub name: &'static str,
    /// What it holds, for the menu's tooltip.
    pub description: &'static str,
    /// The name the new map is shown under until it is saved (`nrr.ron`).
    pub file_name: &'static str,
    text: &'static str,
}

/// The templates, in menu order (SPEC §5 Templates).
pub const TEMPLATES: [Template; 4] = [
    Template {
        name: "NRR driver tree",
        description: "Net revenue retention from starting MRR, expansion, contraction and churn, with targets, thresholds and history",
        file_name: "nrr.ron",
        text: include_str!("../../samples/nrr.ron"),
    },
    Template {
        name: "SaaS revenue",
        description: "Annual recurring revenue from customers won and lost and revenue per account, with targets and thresholds",
        file_name: "saas_revenue.ron",
        text: include_str!("../../samples/saas_revenue.ron"),
    },
    Template {
        name: "Opportunity solution tree",
        description: "An outcome, opportunities with sizing and interview evidence, solutions, assumptions and tests",
        file_name: "ost.ron",
        text: include_str!("../../samples/ost.ron"),
    },
    Template {
        name: "Workshop (driver tree and OST, linked)",
        description: "A driver tree and an opportunity solution tree whose outcome measures one of its metrics",
        file_name: "workshop.ron",
        text: include_str!("../../samples/workshop.ron"),
    },
];

impl Template {
    /// The template's map, read by the normal loader.
    ///
    /// Errors: the loader's, should a bundled file ever be broken (a test keeps them whole).
    pub fn map(&self) -> Result<Map, FormatError> {
        format::parse_str(self.text).map(|loaded| loaded.map)
    }

    /// The template's text as bundled.
    pub fn text(&self) -> &'static str {
        self.text
    }
}
