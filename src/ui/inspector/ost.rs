//! The inspector's opportunity-solution-tree fields: sizing and factors, evidence, target
//! flag; solution status, effort and lift; assumption category, importance and evidence;
//! test method, criterion, status and result — with the OST roll-ups as read-only figures.

use egui::RichText;

use crate::look::format_lift;
use crate::model::{Category, Evidence, Sizing, Status};

use super::super::fields::{
    Drafts, FieldLook, caption, choice, number_field, readout, scale_picker, text_field,
};
use super::super::figures::Figures;
use super::{Ctx, Edits, non_empty};

pub(super) fn opportunity_ui(
    ui: &mut egui::Ui,
    c: &Ctx<'_>,
    figures: &Figures,
    drafts: &mut Drafts,
    e: &mut Edits,
) {
    if let Some(summary) = figures.opportunity(c.map, c.id) {
        let best = summary
            .best_expected_lift
            .map_or("—".to_owned(), format_lift);
        readout(
            ui,
            "Solutions",
            format!("{} · best lift {best}", summary.solutions.len()),
            None,
        );
    }
    // Marking the target unmarks its siblings, in the same undo step.
    let mut targeted = e.node.targeted;
    if ui.checkbox(&mut targeted, "Target opportunity").changed()
        && let Some(command) = crate::edit::ost::set_target(c.map, c.id.as_str(), targeted)
    {
        c.commands
            .send(super::super::commands::UiCommand::Edit(command));
    }
    caption(ui, "Sizing: reach · frequency · severity");
    match e.node.sizing {
        Some(s) => {
            let mut s2 = s;
            if let Some(Some(v)) = scale_picker(ui, "reach", Some(s.reach), false) {
                s2.reach = v;
            }
            if let Some(Some(v)) = scale_picker(ui, "frequency", Some(s.frequency), false) {
                s2.frequency = v;
            }
            if let Some(Some(v)) = scale_picker(ui, "severity", Some(s.severity), false) {
                s2.severity = v;
            }
            e.node.sizing = Some(s2);
            if ui.small_button("Remove sizing").clicked() {
                e.node.sizing = None;
            }
        }
        None => {
            if ui.button("Add sizing").clicked() {
                e.node.sizing = Some(Sizing {
                    reach: 3,
                    frequency: 3,
                    severity: 3,
                });
            }
        }
    }
    for (label, salt) in [
        ("Market factor", "market"),
        ("Company factor", "company"),
        ("Customer factor", "customer"),
    ] {
        caption(ui, label);
        let slot = match salt {
            "market" => &mut e.node.market,
            "company" => &mut e.node.company,
            _ => &mut e.node.customer,
        };
        if let Some(v) = scale_picker(ui, salt, *slot, true) {
            *slot = v;
        }
    }
    caption(ui, "Evidence");
    let mut remove = None;
    for (k, ev) in e.node.evidence.clone().iter().enumerate() {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            let key = |f: &str| format!("evidence_{k}_{f}");
            if let Some(t) = text_field(
                ui,
                drafts,
                &key("source"),
                &ev.source,
                FieldLook::line("source"),
                |t| {
                    if t.trim().is_empty() {
                        Err(("evidence needs a source".to_owned(), None))
                    } else {
                        Ok(())
                    }
                },
            ) {
                e.node.evidence[k].source = t;
            }
            if let Some(t) = text_field(
                ui,
                drafts,
                &key("date"),
                ev.date.as_deref().unwrap_or(""),
                FieldLook::line("date"),
                |_| Ok(()),
            ) {
                e.node.evidence[k].date = non_empty(t);
            }
            let quote = FieldLook::paragraph("what they said");
            if let Some(t) = text_field(
                ui,
                drafts,
                &key("quote"),
                ev.quote.as_deref().unwrap_or(""),
                quote,
                |_| Ok(()),
            ) {
                e.node.evidence[k].quote = non_empty(t);
            }
            if ui.small_button("Remove").clicked() {
                remove = Some(k);
            }
        });
    }
    if let Some(k) = remove {
        e.node.evidence.remove(k);
        drafts.clear();
    }
    if ui.button("Add evidence").clicked() {
        e.node.evidence.push(Evidence {
            source: "Interview".to_owned(),
            date: None,
            quote: None,
        });
    }
    // Kept from when the node was an assumption: saved with it, shown again if it is one.
    if let Some(score) = e.node.evidence_strength {
        ui.label(
            RichText::new(format!(
                "Also keeps the evidence score {score} from when it was an assumption (saved with it)"
            ))
            .color(c.palette.muted),
        );
    }
}

pub(super) fn solution_ui(
    ui: &mut egui::Ui,
    c: &Ctx<'_>,
    figures: &Figures,
    drafts: &mut Drafts,
    e: &mut Edits,
) {
    if let Some(s) = figures.solution(c.map, c.id) {
        let leaps = s.untested_leaps.len();
        let color = (leaps > 0).then_some(c.palette.danger);
        readout(ui, "Untested leaps of faith", leaps.to_string(), color);
        if let Some(effect) = s.north_star_effect {
            readout(
                ui,
                "Estimated North Star effect",
                format_lift(effect),
                Some(c.palette.accent),
            );
        }
    }
    caption(ui, "Status");
    let name = |s: Status| s.name().to_owned();
    if let Some(s) = choice(
        ui,
        "Solution status",
        e.node.status,
        &Status::SOLUTION,
        name,
        Some("—"),
    ) {
        e.node.status = s;
    }
    caption(ui, "Effort");
    if let Some(v) = scale_picker(ui, "effort", e.node.effort, true) {
        e.node.effort = v;
    }
    caption(ui, "Expected lift (0.05 = +5%)");
    if let Some(v) = number_field(
        ui,
        drafts,
        "expected_lift",
        e.node.expected_lift,
        "relative change of the outcome's metric",
    ) {
        e.node.expected_lift = v;
    }
}

pub(super) fn assumption_ui(ui: &mut egui::Ui, c: &Ctx<'_>, _drafts: &mut Drafts, e: &mut Edits) {
    if e.node.is_leap_of_faith() {
        ui.label(
            RichText::new("Leap of faith: important, with little evidence").color(c.palette.danger),
        );
    }
    caption(ui, "Category");
    let all = [
        Category::Desirability,
        Category::Viability,
        Category::Feasibility,
        Category::Usability,
        Category::Ethical,
    ];
    if let Some(v) = choice(
        ui,
        "Category",
        e.node.category,
        &all,
        |c| c.name().to_owned(),
        Some("—"),
    ) {
        e.node.category = v;
    }
    caption(ui, "Importance");
    if let Some(v) = scale_picker(ui, "importance", e.node.importance, true) {
        e.node.importance = v;
    }
    caption(ui, "Evidence");
    if let Some(v) = scale_picker(ui, "evidence_strength", e.node.evidence_strength, true) {
        e.node.evidence_strength = v;
    }
    // Kept from when the node was an opportunity: saved with it, shown again if it is one.
    let n = e.node.evidence.len();
    if n > 0 {
        let what = if n == 1 { "snapshot" } else { "snapshots" };
        ui.label(
            RichText::new(format!(
                "Also keeps {n} interview {what} from when it was an opportunity (saved with it)"
            ))
            .color(c.palette.muted),
        );
    }
}

pub(super) fn test_ui(ui: &mut egui::Ui, drafts: &mut Drafts, e: &mut Edits) {
    caption(ui, "Status");
    if let Some(s) = choice(
        ui,
        "Test status",
        e.node.status,
        &Status::TEST,
        |s| s.name().to_owned(),
        Some("—"),
    ) {
        e.node.status = s;
    }
    caption(ui, "Method");
    let long = FieldLook::paragraph;
    if let Some(t) = text_field(
        ui,
        drafts,
        "method",
        e.node.method.as_deref().unwrap_or(""),
        long("how it is run"),
        |_| Ok(()),
    ) {
        e.node.method = non_empty(t);
    }
    caption(ui, "Success criterion");
    if let Some(t) = text_field(
        ui,
        drafts,
        "criterion",
        e.node.success_criterion.as_deref().unwrap_or(""),
        long("what counts as a pass"),
        |_| Ok(()),
    ) {
        e.node.success_criterion = non_empty(t);
    }
    caption(ui, "Result");
    if let Some(t) = text_field(
        ui,
        drafts,
        "result",
        e.node.result.as_deref().unwrap_or(""),
        long("what happened"),
        |_| Ok(()),
    ) {
        e.node.result = non_empty(t);
    }
}
