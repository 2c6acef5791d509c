//! The plain drawing a card (or any picture) is made of: rectangles, circles, lines,
//! polygons and single-line texts, in world units with colours as RGBA. The canvas paints
//! these with egui, the SVG writer writes them as elements — the one description both share.
//! Nothing here knows about maps, egui or files.

/// A colour: red, green, blue, alpha (straight, not premultiplied).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rgba(pub [u8; 4]);

impl Rgba {
    /// Fully transparent.
    pub const TRANSPARENT: Self = Self([0, 0, 0, 0]);
    /// White.
    pub const WHITE: Self = Self([255, 255, 255, 255]);
    /// Black.
    pub const BLACK: Self = Self([0, 0, 0, 255]);

    /// An opaque colour.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self([r, g, b, 255])
    }

    /// Black at `alpha`.
    pub const fn black_alpha(alpha: u8) -> Self {
        Self([0, 0, 0, alpha])
    }

    /// This colour with its alpha multiplied by `factor` (0..=1) — egui's `gamma_multiply`
    /// for straight alpha.
    pub fn faded(self, factor: f32) -> Self {
        let [r, g, b, a] = self.0;
        Self([
            r,
            g,
            b,
            (f32::from(a) * factor.clamp(0.0, 1.0)).round() as u8,
        ])
    }

    /// `self` mixed with `t` of `other` (0 = all `self`), opaque.
    pub fn blend(self, other: Self, t: f32) -> Self {
        let mix = |x: u8, y: u8| (f32::from(x) + (f32::from(y) - f32::from(x)) * t).round() as u8;
        let ([r, g, b, _], [r2, g2, b2, _]) = (self.0, other.0);
        Self::rgb(mix(r, r2), mix(g, g2), mix(b, b2))
    }

    /// `#rrggbb` (alpha dropped).
    pub fn hex(self) -> String {
        let [r, g, b, _] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// The alpha as 0..=1.
    pub fn opacity(self) -> f32 {
        f32::from(self.0[3]) / 255.0
    }
}

/// A point in world units (y down).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Pt {
    /// Horizontal, right positive.
    pub x: f32,
    /// Vertical, down positive.
    pub y: f32,
}

/// Shorthand for a [`Pt`].
pub const fn pt(x: f32, y: f32) -> Pt {
    Pt { x, y }
}

/// An axis-aligned box in world units.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Box2 {
    /// Top-left corner.
    pub min: Pt,
    /// Bottom-right corner.
    pub max: Pt,
}

impl Box2 {
    /// A box from its top-left corner and size.
    pub fn new(x: f32, y: f32, w: f32, h: f32) -> Self {
        Self {
            min: pt(x, y),
            max: pt(x + w, y + h),
        }
    }
    /// Its width.
    pub fn width(&self) -> f32 {
        self.max.x - self.min.x
    }
    /// Its height.
    pub fn height(&self) -> f32 {
        self.max.y - self.min.y
    }
    /// Its centre.
    pub fn center(&self) -> Pt {
        pt(
            (self.min.x + self.max.x) * 0.5,
            (self.min.y + self.max.y) * 0.5,
        )
    }
    /// Whether `p` is inside it.
    pub fn contains(&self, p: Pt) -> bool {
        p.x >= self.min.x && p.x <= self.max.x && p.y >= self.min.y && p.y <= self.max.y
    }
}

/// A text style: size in world units and weight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Font {
    /// Size (the em) in world units.
    pub size: f32,
    /// The strong (bold/semibold) face rather than the regular one.
    pub strong: bool,
}

impl Font {
    /// A regular face of `size`.
    pub const fn regular(size: f32) -> Self {
        Self {
            size,
            strong: false,
        }
    }
    /// A strong face of `size`.
    pub const fn strong(size: f32) -> Self {
        Self { size, strong: true }
    }
}

/// Corner radii: north-west, north-east, south-west, south-east.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Corners {
    /// Top left.
    pub nw: f32,
    /// Top right.
    pub ne: f32,
    /// Bottom left.
    pub sw: f32,
    /// Bottom right.
    pub se: f32,
}

impl Corners {
    /// The same radius at every corner.
    pub const fn same(r: f32) -> Self {
        Self {
            nw: r,
            ne: r,
            sw: r,
            se: r,
        }
    }
    /// Whether every corner has the same radius.
    pub fn is_uniform(&self) -> bool {
        self.nw == self.ne && self.nw == self.sw && self.nw == self.se
    }
}

/// One thing to paint.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// A soft shadow under a rounded box.
    Shadow {
        /// The box casting it.
        rect: Box2,
        /// Its corner radius.
        radius: f32,
        /// Blur radius.
        blur: f32,
        /// Downward offset.
        offset_y: f32,
        /// Colour at its darkest.
        color: Rgba,
    },
    /// A rounded box, filled and/or outlined (the outline inside the box).
    Rect {
        /// The box.
        rect: Box2,
        /// Corner radii.
        corners: Corners,
        /// Fill, if any.
        fill: Option<Rgba>,
        /// Outline width and colour, if any.
        stroke: Option<(f32, Rgba)>,
    },
    /// A circle, filled and/or outlined.
    Circle {
        /// Centre.
        center: Pt,
        /// Radius.
        radius: f32,
        /// Fill, if any.
        fill: Option<Rgba>,
        /// Outline width and colour, if any.
        stroke: Option<(f32, Rgba)>,
    },
    /// An open polyline (closed when `closed`).
    Line {
        /// Its points.
        points: Vec<Pt>,
        /// Whether the last point joins the first.
        closed: bool,
        /// Width.
        width: f32,
        /// Colour.
        color: Rgba,
    },
    /// A filled convex polygon.
    Polygon {
        /// Its corners.
        points: Vec<Pt>,
        /// Fill.
        fill: Rgba,
    },
    /// One line of text, its box's top-left at `pos`.
    Text {
        /// Top-left of the line box.
        pos: Pt,
        /// The text (never wrapped further).
        text: String,
        /// Face and size.
        font: Font,
        /// Colour.
        color: Rgba,
        /// Its measured width.
        width: f32,
        /// Centred on `pos.x` rather than starting there.
        centered: bool,
    },
}

impl Shape {
    /// This shape moved by (`dx`, `dy`).
    pub fn translated(mut self, dx: f32, dy: f32) -> Self {
        let mv = |p: &mut Pt| {
            p.x += dx;
            p.y += dy;
        };
        match &mut self {
            Shape::Shadow { rect, .. } | Shape::Rect { rect, .. } => {
                mv(&mut rect.min);
                mv(&mut rect.max);
            }
            Shape::Circle { center, .. } => mv(center),
            Shape::Line { points, .. } | Shape::Polygon { points, .. } => {
                points.iter_mut().for_each(mv)
            }
            Shape::Text { pos, .. } => mv(pos),
        }
        self
    }
}
