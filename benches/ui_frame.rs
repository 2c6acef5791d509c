//! Criterion benchmarks of one UI frame, headless: `egui::Context::run_ui` over
//! `FulcrumApp::show` plus `tessellate`, on synthetic driver trees (SPEC §7 targets:
//! ≤ 2 ms at a typical zoom whatever the size, ≤ 8 ms with 10k cards on screen, first
//! frame ≤ 1 s); and a frame with the outline open at 100k nodes.
//!
//! Needs `[[bench]] name = "ui_frame", harness = false` in Cargo.toml; run with
//! `cargo bench --bench ui_frame`.
// Without that entry cargo builds this file with the libtest harness, which leaves
// criterion's `main` unused; the allowance keeps that build warning-free.
#![allow(dead_code)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use fulcrum::model::{Map, synthetic};
use fulcrum::ui::FulcrumApp;

/// The window the frames are drawn into, in points.
const WINDOW: egui::Vec2 = egui::vec2(1600.0, 1000.0);

/// One frame: run the app, then tessellate what it painted. Returns the primitive count.
fn frame(ctx: &egui::Context, app: &mut FulcrumApp) -> usize {
    let mut output = app.headless_frame(ctx, WINDOW);
    // No renderer uploads the font atlas here.
    output.textures_delta.clear();
    ctx.tessellate(output.shapes, output.pixels_per_point).len()
}

/// An app on `map` after its first frames (caches built, view fitted), then `set_view`.
fn warmed(map: Map, set_view: impl FnOnce(&mut FulcrumApp)) -> (egui::Context, FulcrumApp) {
    let ctx = egui::Context::default();
    let mut app = FulcrumApp::with_map(map);
    app.fit_to_window();
    frame(&ctx, &mut app);
    set_view(&mut app);
    for _ in 0..3 {
        frame(&ctx, &mut app);
    }
    (ctx, app)
}

fn ui_frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("ui_frame");
    group.measurement_time(Duration::from_secs(8));

    let (ctx, mut app) = warmed(synthetic::driver_tree(10_000, 1), |_| {});
    group.bench_function("10k nodes, whole map on screen", |b| {
        b.iter(|| black_box(frame(&ctx, &mut app)));
    });

    let (ctx, mut app) = warmed(synthetic::driver_tree(10_000, 1), |a| a.set_zoom(1.0));
    group.bench_function("10k nodes, zoom 1", |b| {
        b.iter(|| black_box(frame(&ctx, &mut app)));
    });

    let (ctx, mut app) = warmed(synthetic::driver_tree(100_000, 1), |a| a.set_zoom(1.0));
    group.bench_function("100k nodes, zoom 1", |b| {
        b.iter(|| black_box(frame(&ctx, &mut app)));
    });

    let (ctx, mut app) = warmed(synthetic::driver_tree(100_000, 1), |a| a.set_zoom(0.6));
    group.bench_function("100k nodes, zoom 0.6", |b| {
        b.iter(|| black_box(frame(&ctx, &mut app)));
    });

    // The outline open beside the canvas: only its visible rows are built.
    let (ctx, mut app) = warmed(synthetic::driver_tree(100_000, 1), |a| {
        a.set_zoom(1.0);
        a.show_outline(true);
    });
    group.bench_function("100k nodes, zoom 1, outline open", |b| {
        b.iter(|| black_box(frame(&ctx, &mut app)));
    });
    group.finish();

    let mut lever = c.benchmark_group("ui_what_if");
    lever.measurement_time(Duration::from_secs(8));
    let map = synthetic::driver_tree(100_000, 1);
    let input = map
        .iter()
        .find(|(_, n)| n.formula.is_none() && n.value.is_some())
        .map(|(id, n)| (id.clone(), n.value.unwrap_or(1.0)));
    if let Some((id, base)) = input {
        let (ctx, mut app) = warmed(map.clone(), |a| {
            a.set_zoom(1.0);
            a.show_leverage_panel(true);
        });
        let mut k = 0u64;
        lever.bench_function("100k nodes, one what-if drag frame (panel open)", |b| {
            b.iter(|| {
                k += 1;
                app.try_value(id.clone(), Some(base * (1.0 + (k % 50) as f64 / 100.0)));
                black_box(frame(&ctx, &mut app))
            });
        });
        let (ctx, mut app) = warmed(map.clone(), |a| a.set_zoom(1.0));
        let node = map.node(id.as_str()).cloned();
        lever.bench_function(
            "100k nodes, a value edit (apply, before the next frame)",
            |b| {
                b.iter(|| {
                    k += 1;
                    let mut node = node.clone().unwrap_or_else(|| panic!("the input"));
                    node.value = Some(base + k as f64);
                    black_box(app.apply(fulcrum::edit::Command::SetNode {
                        id: id.clone(),
                        node: Box::new(node),
                    }))
                });
            },
        );
        frame(&ctx, &mut app);
    }
    lever.finish();

    let mut first = c.benchmark_group("ui_first_frame");
    first.sample_size(10);
    first.measurement_time(Duration::from_secs(20));
    for n in [10_000usize, 100_000] {
        let map = synthetic::driver_tree(n, 1);
        first.bench_function(format!("{n} nodes"), |b| {
            b.iter_batched(
                || (egui::Context::default(), FulcrumApp::with_map(map.clone())),
                |(ctx, mut app)| black_box(frame(&ctx, &mut app)),
                BatchSize::PerIteration,
            );
        });
    }
    first.finish();
}

criterion_group!(benches, ui_frame);
criterion_main!(benches);
