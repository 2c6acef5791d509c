//! Headless UI tests of the canvas: folding, drag-to-reparent (and a refused drop into a
//! node's own subtree), the context menu, arrow-key navigation, zoom and search.
#![cfg(feature = "app")]

mod common;

use common::{harness, press, press_mod};

use egui::{Event, Key, Modifiers, PointerButton, Pos2, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fulcrum::ui::FulcrumApp;

fn center(h: &Harness<'_, FulcrumApp>, id: &str) -> Pos2 {
    h.state()
        .card_rect(id)
        .unwrap_or_else(|| panic!("{id} has a card"))
        .center()
}

fn parent(h: &Harness<'_, FulcrumApp>, id: &str) -> Option<String> {
    h.state().map().parent(id).map(|p| p.as_str().to_owned())
}

/// Presses on `from`, moves in small steps to `to` and releases there.
fn drag(h: &mut Harness<'_, FulcrumApp>, from: Pos2, to: Pos2) {
    h.event(Event::PointerMoved(from));
    h.event(Event::PointerButton {
        pos: from,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    for k in 1..=8 {
        let t = k as f32 / 8.0;
        h.event(Event::PointerMoved(from + (to - from) * t));
    }
    h.run();
    h.event(Event::PointerButton {
        pos: to,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run();
}

/// A workshop app zoomed so the driver tree is large and fully on screen.
fn driver_tree() -> Harness<'static, FulcrumApp> {
    let mut h = harness(FulcrumApp::app_for_tests());
    h.state_mut().set_zoom(0.6);
    h.run();
    h
}

#[test]
fn space_folds_and_unfolds_a_subtree() {
    let mut h = harness(FulcrumApp::app_for_tests());
    h.state_mut().select("churned");
    h.run();
    assert!(h.state().is_shown("churned_accounts"));
    press(&mut h, Key::Space);
    assert!(h.state().is_folded("churned"));
    assert!(!h.state().is_shown("churned_accounts"));
    assert!(!h.state().is_shown("avg_churned_mrr"));
    assert!(h.state().is_shown("churned"));
    // Folding is view state, not an edit.
    assert!(!h.state().is_dirty());
    press(&mut h, Key::Space);
    assert!(h.state().is_shown("churned_accounts"));
}

#[test]
fn the_fold_badge_unfolds_when_clicked() {
    let mut h = driver_tree();
    h.state_mut().select("churned");
    h.run();
    press(&mut h, Key::Space);
    h.get_by_label("Unfold: show 2 hidden nodes").click();
    h.run();
    assert!(!h.state().is_folded("churned"));
}

#[test]
fn dragging_a_card_onto_another_reparents_it() {
    let mut h = driver_tree();
    let (from, to) = (center(&h, "upgrades"), center(&h, "contraction"));
    drag(&mut h, from, to);
    assert_eq!(parent(&h, "upgrades").as_deref(), Some("contraction"));
    assert_eq!(h.state().selected().map(|s| s.as_str()), Some("upgrades"));
    press_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(parent(&h, "upgrades").as_deref(), Some("expansion"));
}

#[test]
fn dropping_a_card_into_its_own_subtree_is_refused() {
    let mut h = driver_tree();
    let (from, to) = (center(&h, "churned"), center(&h, "churned_accounts"));
    drag(&mut h, from, to);
    assert_eq!(parent(&h, "churned").as_deref(), Some("nrr"));
    assert_eq!(parent(&h, "churned_accounts").as_deref(), Some("churned"));
    let toasts = h.state().toasts();
    assert!(
        toasts
            .iter()
            .any(|t| t.to_lowercase() == "can't move a node into its own subtree"),
        "{toasts:?}"
    );
    assert!(!h.state().document().history().can_undo());
}

#[test]
fn the_context_menu_adds_a_child() {
    let mut h = driver_tree();
    let at = center(&h, "upgrades");
    h.event(Event::PointerMoved(at));
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos: at,
            button: PointerButton::Secondary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    h.run();
    h.get_by_label_contains("Add child").click();
    h.run();
    h.event(Event::Text("Annual upgrades".into()));
    h.run();
    press(&mut h, Key::Enter);
    assert_eq!(parent(&h, "annual_upgrades").as_deref(), Some("upgrades"));
}

#[test]
fn arrows_move_the_selection_through_the_tree() {
    let mut h = harness(FulcrumApp::app_for_tests());
    assert_eq!(h.state().selected().map(|s| s.as_str()), Some("nrr"));
    press(&mut h, Key::ArrowDown);
    assert_eq!(
        h.state().selected().map(|s| s.as_str()),
        Some("starting_mrr")
    );
    press(&mut h, Key::ArrowRight);
    assert_eq!(h.state().selected().map(|s| s.as_str()), Some("expansion"));
    press(&mut h, Key::ArrowDown);
    assert_eq!(
        h.state().selected().map(|s| s.as_str()),
        Some("seat_expansion")
    );
    press(&mut h, Key::ArrowUp);
    press(&mut h, Key::ArrowUp);
    assert_eq!(h.state().selected().map(|s| s.as_str()), Some("nrr"));
}

#[test]
fn zoom_keys_zoom_and_ctrl_0_fits() {
    let mut h = harness(FulcrumApp::app_for_tests());
    let fitted = h.state().zoom();
    press_mod(&mut h, Modifiers::COMMAND, Key::Equals);
    assert!(h.state().zoom() > fitted * 1.2);
    press_mod(&mut h, Modifiers::COMMAND, Key::Minus);
    press_mod(&mut h, Modifiers::COMMAND, Key::Minus);
    assert!(h.state().zoom() < fitted);
    press_mod(&mut h, Modifiers::COMMAND, Key::Num0);
    // Ctrl+0 shows the whole map: every card is inside the window.
    let window = egui::Rect::from_min_size(Pos2::ZERO, Vec2::new(1400.0, 900.0));
    for id in ["nrr", "grow_usage", "digest_note", "viewer_pilot"] {
        let rect = h.state().card_rect(id).expect("laid out");
        assert!(window.contains_rect(rect), "{id} at {rect:?}");
    }
}

#[test]
fn find_jumps_to_each_hit() {
    let mut h = harness(FulcrumApp::app_for_tests());
    h.state_mut().select("viewer_seats");
    h.run();
    press(&mut h, Key::Space);
    press_mod(&mut h, Modifiers::COMMAND, Key::F);
    h.event(Event::Text("pilot".into()));
    h.run();
    // The only hit was folded away: it is unfolded and selected.
    assert_eq!(
        h.state().selected().map(|s| s.as_str()),
        Some("viewer_pilot")
    );
    assert!(h.state().is_shown("viewer_pilot"));
    h.get_by_label("1 of 1");
    // A query with several hits: Enter steps forward, Shift+Enter back, F3 forward.
    press_mod(&mut h, Modifiers::COMMAND, Key::A);
    h.event(Event::Text("churn".into()));
    h.run();
    let first = h.state().selected().cloned();
    press(&mut h, Key::Enter);
    let second = h.state().selected().cloned();
    assert_ne!(first, second);
    press_mod(&mut h, Modifiers::SHIFT, Key::Enter);
    assert_eq!(h.state().selected().cloned(), first);
    press(&mut h, Key::F3);
    assert_eq!(h.state().selected().cloned(), second);
    // Owners and notes match too.
    press_mod(&mut h, Modifiers::COMMAND, Key::A);
    h.event(Event::Text("median active seats".into()));
    h.run();
    assert_eq!(h.state().selected().map(|s| s.as_str()), Some("grow_usage"));
    press(&mut h, Key::Escape);
    assert!(h.query_by_label("1 of 1").is_none());
}

#[test]
fn a_scenario_chosen_in_the_status_bar_rolls_the_map_up_under_it() {
    let mut h = harness(FulcrumApp::app_for_tests());
    h.get_by_label("107% · at risk");
    h.get_by_label("Scenario").click();
    h.run();
    h.get_by_label("Save desk").click();
    h.run();
    // Save desk: 15 churned accounts instead of 25, so NRR is 109%.
    h.get_by_label("109% · on track");
    assert!(!h.state().is_dirty(), "a scenario is a view, not an edit");
}

/// Deep and wide maps open and draw without recursion (a 100 000-level chain, a node with
/// 100 000 children), run on a thread with a small stack to catch deep recursion.
#[test]
fn huge_chains_and_fans_draw_on_a_small_stack() {
    let run = || {
        for map in [
            fulcrum::model::synthetic::chain(100_000),
            fulcrum::model::synthetic::wide(100_000),
        ] {
            let ctx = egui::Context::default();
            let mut app = FulcrumApp::with_map(map);
            for _ in 0..3 {
                let mut out = app.headless_frame(&ctx, egui::vec2(1400.0, 900.0));
                out.textures_delta.clear();
                ctx.tessellate(out.shapes, out.pixels_per_point);
            }
            assert!(app.is_shown("m99999"));
            assert!(app.card_rect("m0").is_some());
        }
    };
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(run)
        .expect("thread")
        .join()
        .expect("no stack overflow, no panic");
}

/// The texts painted in the last frame.
fn painted_texts(h: &Harness<'_, FulcrumApp>) -> Vec<String> {
    h.output()
        .shapes
        .iter()
        .filter_map(|c| match &c.shape {
            egui::Shape::Text(t) => Some(t.galley.job.text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn far_zoom_blocks_keep_their_titles_while_they_can_hold_them() {
    let mut h = harness(FulcrumApp::app_for_tests());
    h.state_mut().set_zoom(0.37);
    h.run();
    let texts = painted_texts(&h);
    assert!(texts.iter().any(|t| t == "Starting MRR"), "{texts:?}");
    // Far out, only blocks.
    h.state_mut().set_zoom(0.1);
    h.run();
    assert!(!painted_texts(&h).iter().any(|t| t == "Starting MRR"));
}

/// Regression: a map with thousands of links drew each as a dashed curve — a million
/// shapes a frame, 100% CPU and a gigabyte when idle. Past a few hundred they are one mesh.
#[test]
fn thousands_of_links_cost_a_handful_of_shapes() {
    use fulcrum::model::{Link, LinkKind, Node, NodeId, NodeKind};
    let mut map = fulcrum::model::Map::new("Links");
    let id = |s: String| NodeId::new(&s).unwrap_or_else(|e| panic!("{e}"));
    map.insert(
        id("root".into()),
        Node::new(NodeKind::Metric, "Root"),
        None,
        0,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for i in 0..400 {
        map.insert(
            id(format!("m{i}")),
            Node::new(NodeKind::Metric, format!("M {i}")),
            Some("root"),
            usize::MAX,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
    for i in 0..400 {
        for k in 1..6 {
            let link = Link {
                from: id(format!("m{i}")),
                to: id(format!("m{}", (i + k * 37) % 400)),
                kind: LinkKind::Relates,
            };
            let _ = map.add_link(link);
        }
    }
    let mut h = harness(FulcrumApp::with_map(map));
    h.state_mut().set_zoom(0.5);
    h.run();
    let shapes = h.output().shapes.len();
    assert!(shapes < 20_000, "{shapes} shapes for 2 000 links");
}

/// Regression: a metric with a 10 MB formula kept the idle app busy at 99% CPU: selected, its
/// whole text went every frame into the inspector's text field (laid out, hashed, parsed to
/// validate it, copied to the accessibility tree) and, with its error, into a label quoting it
/// whole. Now the inspector shows its start and its length, an error quotes the text around
/// its caret, and the idle app settles at once with no long text on screen.
#[test]
fn a_10_mb_formula_leaves_the_idle_app_idle() {
    let long = format!("{}a", "a+".repeat(5_000_000));
    let text = format!(
        "Map(format: 1, nodes: [(id: \"a\", kind: Metric, title: \"A\", value: 1.0), \
         (id: \"x\", kind: Metric, title: \"X\", formula: Expr(\"{long}\"))])"
    );
    let map = fulcrum::format::parse_str(&text)
        .unwrap_or_else(|e| panic!("{e}"))
        .map;
    let mut h = harness(FulcrumApp::with_map(map));
    h.state_mut().select("x");
    let started = std::time::Instant::now();
    let steps = h.try_run();
    assert!(matches!(steps, Ok(n) if n <= 5), "{steps:?}");
    // Generous for a debug build on a busy machine; the old inspector took minutes.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    let longest = painted_texts(&h)
        .iter()
        .map(|t| t.chars().count())
        .max()
        .unwrap_or(0);
    assert!(
        longest < 1000,
        "a text of {longest} characters is on screen"
    );
    assert!(
        painted_texts(&h)
            .iter()
            .any(|t| t.contains("10000001 characters: too long to edit here")),
        "{:?}",
        painted_texts(&h)
    );
}
