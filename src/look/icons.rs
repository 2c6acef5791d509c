//! Small vector icons as plain shapes: one per node kind, plus the warning, target and
//! link marks of card chips. Shapes rather than font glyphs, so they are crisp at any zoom,
//! need no emoji font and come out the same on the canvas and in exports.

use super::draw::{Box2, Corners, Pt, Rgba, Shape, pt};
use crate::model::NodeKind;

/// The icon of `kind` inside the square of side `s` at `min`.
pub fn kind_icon(min: Pt, s: f32, kind: NodeKind, color: Rgba) -> Vec<Shape> {
    let w = s * 0.11;
    let at = |x: f32, y: f32| pt(min.x + x * s, min.y + y * s);
    let c = at(0.5, 0.5);
    let line = |points: Vec<Pt>| Shape::Line {
        points,
        closed: false,
        width: w,
        color,
    };
    let ring = |center: Pt, r: f32| Shape::Circle {
        center,
        radius: r,
        fill: None,
        stroke: Some((w, color)),
    };
    let dot = |center: Pt, r: f32| Shape::Circle {
        center,
        radius: r,
        fill: Some(color),
        stroke: None,
    };
    let bar = |a: Pt, b: Pt, r: f32| Shape::Rect {
        rect: Box2 { min: a, max: b },
        corners: Corners::same(r),
        fill: Some(color),
        stroke: None,
    };
    match kind {
        NodeKind::Metric => [0.35f32, 0.6, 0.9]
            .iter()
            .enumerate()
            .map(|(k, h)| {
                let x = 0.1 + k as f32 * 0.3;
                bar(at(x, 0.95 - h), at(x + 0.2, 0.95), 0.0)
            })
            .collect(),
        NodeKind::Outcome => vec![ring(c, s * 0.44), ring(c, s * 0.26), dot(c, s * 0.1)],
        NodeKind::Opportunity => vec![
            Shape::Rect {
                rect: Box2 {
                    min: at(0.05, 0.08),
                    max: at(0.95, 0.7),
                },
                corners: Corners::same(s * 0.15),
                fill: None,
                stroke: Some((w, color)),
            },
            Shape::Polygon {
                points: vec![at(0.25, 0.68), at(0.5, 0.68), at(0.22, 0.95)],
                fill: color,
            },
        ],
        NodeKind::Solution => vec![
            ring(at(0.5, 0.4), s * 0.32),
            bar(at(0.35, 0.74), at(0.65, 0.95), s * 0.05),
            line(vec![at(0.5, 0.55), at(0.5, 0.35)]),
        ],
        NodeKind::Assumption => {
            // A ring around a question mark: a hook of a circle, a stem and a dot.
            let (hx, hy, hr) = (0.5, 0.37, 0.15);
            let mut hook: Vec<Pt> = (0..=8)
                .map(|k| {
                    let a = std::f32::consts::PI * (1.0 - 1.35 * k as f32 / 8.0);
                    at(hx + hr * a.cos(), hy - hr * a.sin())
                })
                .collect();
            hook.push(at(0.5, 0.6));
            vec![
                ring(c, s * 0.45),
                Shape::Line {
                    points: hook,
                    closed: false,
                    width: w * 1.1,
                    color,
                },
                dot(at(0.5, 0.74), w * 0.75),
            ]
        }
        NodeKind::Test => vec![
            Shape::Polygon {
                points: vec![at(0.38, 0.4), at(0.62, 0.4), at(0.92, 0.95), at(0.08, 0.95)],
                fill: color,
            },
            bar(at(0.38, 0.05), at(0.62, 0.42), 0.0),
            line(vec![at(0.28, 0.06), at(0.72, 0.06)]),
        ],
        NodeKind::Note => vec![
            Shape::Line {
                points: vec![
                    at(0.15, 0.05),
                    at(0.62, 0.05),
                    at(0.85, 0.3),
                    at(0.85, 0.95),
                    at(0.15, 0.95),
                ],
                closed: true,
                width: w,
                color,
            },
            line(vec![at(0.3, 0.55), at(0.7, 0.55)]),
            line(vec![at(0.3, 0.75), at(0.7, 0.75)]),
        ],
    }
}

/// A warning triangle with an exclamation mark, centred at `c`, of size `s`.
pub fn warning(c: Pt, s: f32, color: Rgba, mark: Rgba) -> Vec<Shape> {
    let w = s * 0.12;
    vec![
        Shape::Polygon {
            points: vec![
                pt(c.x, c.y - s * 0.48),
                pt(c.x + s * 0.52, c.y + s * 0.42),
                pt(c.x - s * 0.52, c.y + s * 0.42),
            ],
            fill: color,
        },
        Shape::Line {
            points: vec![pt(c.x, c.y - s * 0.18), pt(c.x, c.y + s * 0.12)],
            closed: false,
            width: w,
            color: mark,
        },
        Shape::Circle {
            center: pt(c.x, c.y + s * 0.27),
            radius: w * 0.6,
            fill: Some(mark),
            stroke: None,
        },
    ]
}

/// A small arrow pointing right (links), centred at `c`, of size `s`.
pub fn arrow(c: Pt, s: f32, color: Rgba) -> Vec<Shape> {
    vec![
        Shape::Line {
            points: vec![pt(c.x - s * 0.45, c.y), pt(c.x + s * 0.2, c.y)],
            closed: false,
            width: s * 0.12,
            color,
        },
        Shape::Polygon {
            points: vec![
                pt(c.x + s * 0.5, c.y),
                pt(c.x + s * 0.1, c.y - s * 0.3),
                pt(c.x + s * 0.1, c.y + s * 0.3),
            ],
            fill: color,
        },
    ]
}
