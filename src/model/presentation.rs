//! Named presentations saved in the map: an ordered list of steps, each showing one node,
//! optionally under a scenario and/or for a period ("here is the stretch scenario", "here
//! is last month").
//!
//! The map keeps two invariants here: presentation names are unique and not blank, and a
//! step's scenario is always a scenario of the map (renaming a scenario renames it in the
//! steps). A step's node may be missing — its node was deleted — and stays in the list so
//! that undoing the delete, or a node added again under that id, brings it back; `check`
//! reports such steps as warnings. Knows nothing of files, undo or the UI.

use super::map::{Map, ModelError};
use super::{NodeId, Scenario};

/// One step of a named presentation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PresentationStep {
    /// The node the step frames (with its children).
    pub node: NodeId,
    /// The scenario the map is rolled up under for this step (`None`: the one on screen
    /// when the presentation started).
    pub scenario: Option<String>,
    /// The period the map is rolled up for (`None`: the one on screen when the presentation
    /// started).
    pub period: Option<String>,
}

impl PresentationStep {
    /// A step showing `node` with neither a scenario nor a period.
    pub fn new(node: NodeId) -> Self {
        Self {
            node,
            scenario: None,
            period: None,
        }
    }
}

/// A named presentation: steps in order.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Presentation {
    /// Its name, unique in the map and not blank.
    pub name: String,
    /// The steps, in the order they are shown.
    pub steps: Vec<PresentationStep>,
}

/// Why a presentation name cannot be used, if it cannot.
fn name_problem(name: &str) -> Option<ModelError> {
    name.trim()
        .is_empty()
        .then_some(ModelError::BlankPresentationName)
}

impl Map {
    /// The named presentations, in order.
    pub fn presentations(&self) -> &[Presentation] {
        &self.presentations
    }

    /// The presentation with this name.
    pub fn presentation(&self, name: &str) -> Option<&Presentation> {
        self.presentations.iter().find(|p| p.name == name)
    }

    fn presentation_mut(&mut self, name: &str) -> Result<&mut Presentation, ModelError> {
        self.presentations
            .iter_mut()
            .find(|p| p.name == name)
            .ok_or_else(|| ModelError::UnknownPresentation(name.to_owned()))
    }

    /// Refuses a step whose scenario is not in the map, or whose period is blank.
    fn check_step(&self, step: &PresentationStep) -> Result<(), ModelError> {
        if step.period.as_deref().is_some_and(|p| p.trim().is_empty()) {
            return Err(ModelError::BlankPeriod);
        }
        match &step.scenario {
            Some(s) if self.scenario(s).is_none() => Err(ModelError::UnknownScenario(s.clone())),
            _ => Ok(()),
        }
    }

    /// Adds a presentation at `index` (clamped). Refused when the name is blank or taken, or
    /// a step names a scenario the map does not have.
    pub fn insert_presentation(
        &mut self,
        index: usize,
        presentation: Presentation,
    ) -> Result<(), ModelError> {
        if let Some(problem) = name_problem(&presentation.name) {
            return Err(problem);
        }
        if self.presentation(&presentation.name).is_some() {
            return Err(ModelError::DuplicatePresentation(presentation.name));
        }
        for step in &presentation.steps {
            self.check_step(step)?;
        }
        let at = index.min(self.presentations.len());
        self.presentations.insert(at, presentation);
        Ok(())
    }

    /// Removes a presentation, returning its index and itself.
    pub fn remove_presentation(&mut self, name: &str) -> Result<(usize, Presentation), ModelError> {
        let index = self
            .presentations
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| ModelError::UnknownPresentation(name.to_owned()))?;
        Ok((index, self.presentations.remove(index)))
    }

    /// Renames a presentation.
    pub fn rename_presentation(&mut self, from: &str, to: String) -> Result<(), ModelError> {
        if let Some(problem) = name_problem(&to) {
            return Err(problem);
        }
        if from != to && self.presentation(&to).is_some() {
            return Err(ModelError::DuplicatePresentation(to));
        }
        self.presentation_mut(from)?.name = to;
        Ok(())
    }

    /// Inserts a step at `index` (clamped) of a presentation.
    pub fn insert_step(
        &mut self,
        presentation: &str,
        index: usize,
        step: PresentationStep,
    ) -> Result<(), ModelError> {
        self.check_step(&step)?;
        let p = self.presentation_mut(presentation)?;
        p.steps.insert(index.min(p.steps.len()), step);
        Ok(())
    }

    /// Removes step `index` of a presentation, returning it.
    pub fn remove_step(
        &mut self,
        presentation: &str,
        index: usize,
    ) -> Result<PresentationStep, ModelError> {
        let p = self.presentation_mut(presentation)?;
        if index >= p.steps.len() {
            return Err(ModelError::UnknownStep {
                presentation: presentation.to_owned(),
                index,
            });
        }
        Ok(p.steps.remove(index))
    }

    /// Replaces step `index` of a presentation, returning the old step.
    pub fn replace_step(
        &mut self,
        presentation: &str,
        index: usize,
        step: PresentationStep,
    ) -> Result<PresentationStep, ModelError> {
        self.check_step(&step)?;
        let p = self.presentation_mut(presentation)?;
        let slot = p
            .steps
            .get_mut(index)
            .ok_or_else(|| ModelError::UnknownStep {
                presentation: presentation.to_owned(),
                index,
            })?;
        Ok(std::mem::replace(slot, step))
    }

    /// Renames a scenario, and the scenario of every step that names it.
    pub fn rename_scenario(&mut self, from: &str, to: String) -> Result<(), ModelError> {
        if from != to && self.scenario(&to).is_some() {
            return Err(ModelError::DuplicateScenario(to));
        }
        let old = self
            .scenario(from)
            .cloned()
            .ok_or_else(|| ModelError::UnknownScenario(from.to_owned()))?;
        self.replace_scenario_named(
            from,
            Scenario {
                name: to.clone(),
                overrides: old.overrides,
            },
        );
        for p in &mut self.presentations {
            for step in &mut p.steps {
                if step.scenario.as_deref() == Some(from) {
                    step.scenario = Some(to.clone());
                }
            }
        }
        Ok(())
    }

    /// The steps (presentation index, step index) whose scenario is `name`.
    pub fn steps_with_scenario(&self, name: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (i, p) in self.presentations.iter().enumerate() {
            for (k, step) in p.steps.iter().enumerate() {
                if step.scenario.as_deref() == Some(name) {
                    out.push((i, k));
                }
            }
        }
        out
    }

    /// Steps whose node is not in the map: (presentation, step index, missing id).
    pub fn dangling_steps(&self) -> Vec<(&str, usize, &NodeId)> {
        let mut out = Vec::new();
        for p in &self.presentations {
            for (k, step) in p.steps.iter().enumerate() {
                if !self.contains(step.node.as_str()) {
                    out.push((p.name.as_str(), k, &step.node));
                }
            }
        }
        out
    }
}
