//! The engine's figures for the map on screen live in [`crate::look::figures`] (the
//! exporters read the same ones); this re-exports them for the panels.

pub(crate) use crate::look::figures::{Figures, LeverRow};
