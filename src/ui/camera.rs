//! The canvas camera: zoom and pan, zooming around a point, fitting a rectangle, and smooth
//! glides to a goal (fit, search jumps, keeping the selection in view).
//!
//! World units are points at zoom 1; `screen = canvas.min + offset + world × zoom`. The
//! camera is view state: it never touches the map.

use egui::{Pos2, Rect, Vec2};

/// The smallest and largest zoom a person can reach by zooming (fitting a huge map may go
/// below the minimum).
pub const MIN_ZOOM: f32 = 0.05;
/// The largest zoom.
pub const MAX_ZOOM: f32 = 3.0;

/// Zoom and pan of the canvas.
#[derive(Clone, Debug)]
pub struct Camera {
    /// Screen points per world unit.
    pub zoom: f32,
    /// Screen offset of the world origin from the canvas's top-left corner.
    pub offset: Vec2,
    /// Where a glide is heading: (zoom, offset).
    goal: Option<(f32, Vec2)>,
}

impl Default for Camera {
    fn default() -> Self {
        Self {
            zoom: 1.0,
            offset: Vec2::new(40.0, 40.0),
            goal: None,
        }
    }
}

impl Camera {
    /// World point → screen point.
    pub fn to_screen(&self, canvas: Rect, world: Pos2) -> Pos2 {
        canvas.min + self.offset + world.to_vec2() * self.zoom
    }

    /// World rectangle → screen rectangle.
    pub fn rect_to_screen(&self, canvas: Rect, world: Rect) -> Rect {
        Rect::from_min_max(
            self.to_screen(canvas, world.min),
            self.to_screen(canvas, world.max),
        )
    }

    /// Screen point → world point.
    pub fn to_world(&self, canvas: Rect, screen: Pos2) -> Pos2 {
        ((screen - canvas.min - self.offset) / self.zoom).to_pos2()
    }

    /// The part of the world the canvas shows.
    pub fn visible_world(&self, canvas: Rect) -> Rect {
        Rect::from_min_max(
            self.to_world(canvas, canvas.min),
            self.to_world(canvas, canvas.max),
        )
    }

    /// Pans by a screen distance (cancels a glide).
    pub fn pan(&mut self, delta: Vec2) {
        self.goal = None;
        self.offset += delta;
    }

    /// Multiplies the zoom by `factor`, keeping the world point under `anchor` (a screen
    /// point) where it is.
    pub fn zoom_at(&mut self, canvas: Rect, anchor: Pos2, factor: f32) {
        self.goal = None;
        let new_zoom = (self.zoom * factor).clamp(MIN_ZOOM.min(self.zoom), MAX_ZOOM);
        let a = anchor - canvas.min;
        self.offset = a - (a - self.offset) * (new_zoom / self.zoom);
        self.zoom = new_zoom;
    }

    /// The zoom and offset that show `world` centred with a margin (zoom at most 1.2).
    pub fn fitting(canvas: Rect, world: Rect) -> (f32, Vec2) {
        let margin = 48.0;
        let avail = (canvas.size() - Vec2::splat(2.0 * margin)).max(Vec2::splat(10.0));
        let size = world.size().max(Vec2::splat(1.0));
        let zoom = (avail.x / size.x).min(avail.y / size.y).clamp(1e-4, 1.2);
        let offset = canvas.size() * 0.5 - world.center().to_vec2() * zoom;
        (zoom, offset)
    }

    /// Jumps to show `world` at once.
    pub fn fit_now(&mut self, canvas: Rect, world: Rect) {
        let (zoom, offset) = Self::fitting(canvas, world);
        self.zoom = zoom;
        self.offset = offset;
        self.goal = None;
    }

    /// Glides to show `world`.
    pub fn fit_smoothly(&mut self, canvas: Rect, world: Rect) {
        self.goal = Some(Self::fitting(canvas, world));
    }

    /// Glides to show `world` as large as `max_zoom` allows (a presentation step).
    pub fn fit_smoothly_max(&mut self, canvas: Rect, world: Rect, max_zoom: f32) {
        let margin = 96.0;
        let avail = (canvas.size() - Vec2::splat(2.0 * margin)).max(Vec2::splat(10.0));
        let size = world.size().max(Vec2::splat(1.0));
        let zoom = (avail.x / size.x)
            .min(avail.y / size.y)
            .clamp(1e-4, max_zoom);
        let offset = canvas.size() * 0.5 - world.center().to_vec2() * zoom;
        self.goal = Some((zoom, offset));
    }

    /// Glides so that `world` (a card) is in view with a margin, panning as little as
    /// needed; zooms in to a readable level first if the view is too far out.
    pub fn reveal(&mut self, canvas: Rect, world: Rect, readable_zoom: f32) {
        let (zoom, offset) = self.goal.unwrap_or((self.zoom, self.offset));
        let zoom = zoom.max(readable_zoom);
        let margin = 40.0;
        let min = canvas.min + offset + world.min.to_vec2() * zoom;
        let max = canvas.min + offset + world.max.to_vec2() * zoom;
        let inner = canvas.shrink(margin);
        let mut shift = Vec2::ZERO;
        if max.x - min.x > inner.width() || min.x < inner.min.x {
            shift.x = inner.min.x - min.x;
        } else if max.x > inner.max.x {
            shift.x = inner.max.x - max.x;
        }
        if max.y - min.y > inner.height() || min.y < inner.min.y {
            shift.y = inner.min.y - min.y;
        } else if max.y > inner.max.y {
            shift.y = inner.max.y - max.y;
        }
        if shift != Vec2::ZERO || zoom != self.zoom {
            self.goal = Some((zoom, offset + shift));
        }
    }

    /// Glides so that `world` is centred, at a readable zoom.
    pub fn center_on(&mut self, canvas: Rect, world: Rect, readable_zoom: f32) {
        let zoom = self.goal.map_or(self.zoom, |g| g.0).max(readable_zoom);
        let offset = canvas.size() * 0.5 - world.center().to_vec2() * zoom;
        self.goal = Some((zoom, offset));
    }

    /// Advances a glide by `dt` seconds; returns whether it is still moving.
    pub fn step(&mut self, dt: f32) -> bool {
        let Some((zoom, offset)) = self.goal else {
            return false;
        };
        let t = 1.0 - (-dt.clamp(0.0, 0.1) * 16.0).exp();
        // Interpolate in log space for zoom so zooming feels even.
        let lz = self.zoom.ln() + (zoom.ln() - self.zoom.ln()) * t;
        self.zoom = lz.exp();
        self.offset += (offset - self.offset) * t;
        let done = (self.zoom - zoom).abs() < 1e-3 * zoom && (self.offset - offset).length() < 0.5;
        if done {
            self.zoom = zoom;
            self.offset = offset;
            self.goal = None;
        }
        !done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_keeps_anchor() {
        let canvas = Rect::from_min_size(Pos2::new(10.0, 20.0), Vec2::new(800.0, 600.0));
        let mut cam = Camera::default();
        let anchor = Pos2::new(300.0, 200.0);
        let before = cam.to_world(canvas, anchor);
        cam.zoom_at(canvas, anchor, 1.7);
        let after = cam.to_world(canvas, anchor);
        assert!((before - after).length() < 1e-3);
    }

    #[test]
    fn fit_contains_world() {
        let canvas = Rect::from_min_size(Pos2::ZERO, Vec2::new(800.0, 600.0));
        let world = Rect::from_min_size(Pos2::new(-500.0, 0.0), Vec2::new(3000.0, 900.0));
        let mut cam = Camera::default();
        cam.fit_now(canvas, world);
        let shown = cam.visible_world(canvas);
        assert!(shown.contains_rect(world));
    }
}
