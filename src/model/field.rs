//! The node fields as data: one table ([`Field::ALL`]) of every field a [`Node`] carries, in
//! the order the file format writes them, each with its name as written in files, a way to
//! read it as a comparable, printable [`FieldValue`] and a way to set it from one.
//!
//! The canonical writer, the node checks, the diff, the three-way merge and
//! `Command::SetField` iterate this table instead of naming fields one by one, so a new field
//! is one new row here. A node's id and parent are not fields: they are its place in the map.
//! This module knows nothing of files beyond the names, and nothing of undo or the UI.

use std::borrow::Cow;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::{
    Category, Direction, Display, Evidence, Formula, History, Node, NodeKind, Orientation, Sizing,
    Status, Thresholds,
};

/// One field of a [`Node`]. [`Field::ALL`] lists them in canonical file order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// [`Node::kind`].
    Kind,
    /// [`Node::title`].
    Title,
    /// [`Node::formula`].
    Formula,
    /// [`Node::value`].
    Value,
    /// [`Node::unit`].
    Unit,
    /// [`Node::display`].
    Display,
    /// [`Node::target`].
    Target,
    /// [`Node::direction`].
    Direction,
    /// [`Node::thresholds`].
    Thresholds,
    /// [`Node::controllable`].
    Controllable,
    /// [`Node::history`].
    History,
    /// [`Node::source`].
    Source,
    /// [`Node::owner`].
    Owner,
    /// [`Node::sizing`].
    Sizing,
    /// [`Node::market`].
    Market,
    /// [`Node::company`].
    Company,
    /// [`Node::customer`].
    Customer,
    /// [`Node::evidence`], the interview snapshots (written `evidence: [...]`).
    Evidence,
    /// [`Node::targeted`].
    Targeted,
    /// [`Node::status`].
    Status,
    /// [`Node::effort`].
    Effort,
    /// [`Node::expected_lift`].
    ExpectedLift,
    /// [`Node::category`].
    Category,
    /// [`Node::importance`].
    Importance,
    /// [`Node::evidence_strength`], an assumption's 1–5 score (also written `evidence: N`).
    EvidenceStrength,
    /// [`Node::method`].
    Method,
    /// [`Node::success_criterion`].
    SuccessCriterion,
    /// [`Node::result`].
    Result,
    /// [`Node::orientation`].
    Orientation,
    /// [`Node::notes`].
    Notes,
}

/// A field's value, borrowed from a node ([`Field::get`]) or owned (`FieldValue<'static>`,
/// from [`FieldValue::into_owned`]). `Absent` is an optional field left out (`None`, an empty
/// history or evidence list). Equality compares numbers by their bits, so `0.0` and `-0.0`
/// differ as they do in the file, and a value always equals itself.
#[derive(Clone, Debug)]
pub enum FieldValue<'a> {
    /// An optional field left out.
    Absent,
    /// `controllable`, `targeted` (`false` when not written).
    Bool(bool),
    /// `value`, `target`, `expected_lift`.
    Number(f64),
    /// The 1–5 scores: `market`, `company`, `customer`, `effort`, `importance`, `evidence`.
    Score(u8),
    /// `title` and the free-text fields.
    Text(Cow<'a, str>),
    /// `kind`.
    Kind(NodeKind),
    /// `formula`.
    Formula(Cow<'a, Formula>),
    /// `display`.
    Display(Display),
    /// `direction`.
    Direction(Direction),
    /// `thresholds`.
    Thresholds(Thresholds),
    /// `history` (never empty: an empty history is `Absent`).
    History(Cow<'a, History>),
    /// `sizing`.
    Sizing(Sizing),
    /// `evidence` entries (never empty: no entries is `Absent`).
    Evidence(Cow<'a, [Evidence]>),
    /// `status`.
    Status(Status),
    /// `category`.
    Category(Category),
    /// `orientation`.
    Orientation(Orientation),
}

/// Why [`Field::set`] refused a value. The node is unchanged when one is returned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FieldError {
    /// The value is of another type than the field holds (text for a number, …).
    #[error("`{field}` cannot hold {found}")]
    WrongType {
        /// The field's name as written in files.
        field: &'static str,
        /// What was given, in words ("a number", "text").
        found: &'static str,
    },
    /// `kind` and `title` are always present.
    #[error("`{0}` cannot be left out")]
    Required(&'static str),
}

impl Field {
    /// Every field, in the order the file format writes them.
    pub const ALL: [Field; 30] = [
        Field::Kind,
        Field::Title,
        Field::Formula,
        Field::Value,
        Field::Unit,
        Field::Display,
        Field::Target,
        Field::Direction,
        Field::Thresholds,
        Field::Controllable,
        Field::History,
        Field::Source,
        Field::Owner,
        Field::Sizing,
        Field::Market,
        Field::Company,
        Field::Customer,
        Field::Evidence,
        Field::Targeted,
        Field::Status,
        Field::Effort,
        Field::ExpectedLift,
        Field::Category,
        Field::Importance,
        Field::EvidenceStrength,
        Field::Method,
        Field::SuccessCriterion,
        Field::Result,
        Field::Orientation,
        Field::Notes,
    ];

    /// The field's name as written in files (and in the diff and merge output). The file has
    /// one `evidence` field, which is [`Field::Evidence`] (a list) or
    /// [`Field::EvidenceStrength`] (a score), so both are named `evidence`.
    pub fn name(self) -> &'static str {
        match self {
            Field::Kind => "kind",
            Field::Title => "title",
            Field::Formula => "formula",
            Field::Value => "value",
            Field::Unit => "unit",
            Field::Display => "display",
            Field::Target => "target",
            Field::Direction => "direction",
            Field::Thresholds => "thresholds",
            Field::Controllable => "controllable",
            Field::History => "history",
            Field::Source => "source",
            Field::Owner => "owner",
            Field::Sizing => "sizing",
            Field::Market => "market",
            Field::Company => "company",
            Field::Customer => "customer",
            Field::Evidence | Field::EvidenceStrength => "evidence",
            Field::Targeted => "targeted",
            Field::Status => "status",
            Field::Effort => "effort",
            Field::ExpectedLift => "expected_lift",
            Field::Category => "category",
            Field::Importance => "importance",
            Field::Method => "method",
            Field::SuccessCriterion => "success_criterion",
            Field::Result => "result",
            Field::Orientation => "orientation",
            Field::Notes => "notes",
        }
    }

    /// The field written under `name` (`evidence` gives [`Field::Evidence`], and
    /// `evidence_strength` [`Field::EvidenceStrength`]; see [`Field::name`]).
    pub fn from_name(name: &str) -> Option<Field> {
        if name == "evidence_strength" {
            return Some(Field::EvidenceStrength);
        }
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The name the file writes this field under for `node`: [`Field::name`], except that an
    /// assumption's score is written `evidence_strength` when the node also holds evidence
    /// entries (which take `evidence`), so that a node carrying both — an opportunity turned
    /// into an assumption, say — keeps both (format 3).
    pub fn name_for(self, node: &Node) -> &'static str {
        if self == Field::EvidenceStrength && !node.evidence.is_empty() {
            "evidence_strength"
        } else {
            self.name()
        }
    }

    /// The field's value on `node`, borrowed.
    pub fn get(self, node: &Node) -> FieldValue<'_> {
        use FieldValue as V;
        fn text(s: &Option<String>) -> FieldValue<'_> {
            s.as_deref()
                .map_or(V::Absent, |s| V::Text(Cow::Borrowed(s)))
        }
        fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> FieldValue<'static>) -> FieldValue<'static> {
            v.map_or(V::Absent, f)
        }
        match self {
            Field::Kind => V::Kind(node.kind),
            Field::Title => V::Text(Cow::Borrowed(&node.title)),
            Field::Formula => node
                .formula
                .as_ref()
                .map_or(V::Absent, |f| V::Formula(Cow::Borrowed(f))),
            Field::Value => opt(node.value, V::Number),
            Field::Unit => text(&node.unit),
            Field::Display => opt(node.display, V::Display),
            Field::Target => opt(node.target, V::Number),
            Field::Direction => opt(node.direction, V::Direction),
            Field::Thresholds => opt(node.thresholds, V::Thresholds),
            Field::Controllable => V::Bool(node.controllable),
            Field::History if node.history.is_empty() => V::Absent,
            Field::History => V::History(Cow::Borrowed(&node.history)),
            Field::Source => text(&node.source),
            Field::Owner => text(&node.owner),
            Field::Sizing => opt(node.sizing, V::Sizing),
            Field::Market => opt(node.market, V::Score),
            Field::Company => opt(node.company, V::Score),
            Field::Customer => opt(node.customer, V::Score),
            Field::Evidence if node.evidence.is_empty() => V::Absent,
            Field::Evidence => V::Evidence(Cow::Borrowed(&node.evidence)),
            Field::Targeted => V::Bool(node.targeted),
            Field::Status => opt(node.status, V::Status),
            Field::Effort => opt(node.effort, V::Score),
            Field::ExpectedLift => opt(node.expected_lift, V::Number),
            Field::Category => opt(node.category, V::Category),
            Field::Importance => opt(node.importance, V::Score),
            Field::EvidenceStrength => opt(node.evidence_strength, V::Score),
            Field::Method => text(&node.method),
            Field::SuccessCriterion => text(&node.success_criterion),
            Field::Result => text(&node.result),
            Field::Orientation => opt(node.orientation, V::Orientation),
            Field::Notes => text(&node.notes),
        }
    }

    /// Sets the field on `node` from `value`, returning the old value. `Absent` clears an
    /// optional field (`false` for a flag, empty for history and evidence). Only the type is
    /// checked; ranges (1–5, finite numbers) are the file checks' job, as for any edit.
    ///
    /// Errors: [`FieldError::WrongType`] for a value of another type,
    /// [`FieldError::Required`] for `Absent` in `kind` or `title`.
    pub fn set(
        self,
        node: &mut Node,
        value: FieldValue<'_>,
    ) -> Result<FieldValue<'static>, FieldError> {
        let old = self.get(node).into_owned();
        let wrong = |value: &FieldValue<'_>| FieldError::WrongType {
            field: self.name(),
            found: value.type_name(),
        };
        use FieldValue as V;
        macro_rules! opt {
            ($slot:expr, $pat:pat => $v:expr) => {
                match value {
                    V::Absent => $slot = None,
                    $pat => $slot = Some($v),
                    other => return Err(wrong(&other)),
                }
            };
        }
        match self {
            Field::Kind => match value {
                V::Kind(k) => node.kind = k,
                V::Absent => return Err(FieldError::Required("kind")),
                other => return Err(wrong(&other)),
            },
            Field::Title => match value {
                V::Text(t) => node.title = t.into_owned(),
                V::Absent => return Err(FieldError::Required("title")),
                other => return Err(wrong(&other)),
            },
            Field::Formula => opt!(node.formula, V::Formula(f) => f.into_owned()),
            Field::Value => opt!(node.value, V::Number(v) => v),
            Field::Unit => opt!(node.unit, V::Text(t) => t.into_owned()),
            Field::Display => opt!(node.display, V::Display(d) => d),
            Field::Target => opt!(node.target, V::Number(v) => v),
            Field::Direction => opt!(node.direction, V::Direction(d) => d),
            Field::Thresholds => opt!(node.thresholds, V::Thresholds(t) => t),
            Field::Controllable => match value {
                V::Bool(b) => node.controllable = b,
                V::Absent => node.controllable = false,
                other => return Err(wrong(&other)),
            },
            Field::History => match value {
                V::History(h) => node.history = h.into_owned(),
                V::Absent => node.history.clear(),
                other => return Err(wrong(&other)),
            },
            Field::Source => opt!(node.source, V::Text(t) => t.into_owned()),
            Field::Owner => opt!(node.owner, V::Text(t) => t.into_owned()),
            Field::Sizing => opt!(node.sizing, V::Sizing(s) => s),
            Field::Market => opt!(node.market, V::Score(s) => s),
            Field::Company => opt!(node.company, V::Score(s) => s),
            Field::Customer => opt!(node.customer, V::Score(s) => s),
            Field::Evidence => match value {
                V::Evidence(e) => node.evidence = e.into_owned(),
                V::Absent => node.evidence.clear(),
                other => return Err(wrong(&other)),
            },
            Field::Targeted => match value {
                V::Bool(b) => node.targeted = b,
                V::Absent => node.targeted = false,
                other => return Err(wrong(&other)),
            },
            Field::Status => opt!(node.status, V::Status(s) => s),
            Field::Effort => opt!(node.effort, V::Score(s) => s),
            Field::ExpectedLift => opt!(node.expected_lift, V::Number(v) => v),
            Field::Category => opt!(node.category, V::Category(c) => c),
            Field::Importance => opt!(node.importance, V::Score(s) => s),
            Field::EvidenceStrength => opt!(node.evidence_strength, V::Score(s) => s),
            Field::Method => opt!(node.method, V::Text(t) => t.into_owned()),
            Field::SuccessCriterion => opt!(node.success_criterion, V::Text(t) => t.into_owned()),
            Field::Result => opt!(node.result, V::Text(t) => t.into_owned()),
            Field::Orientation => opt!(node.orientation, V::Orientation(o) => o),
            Field::Notes => opt!(node.notes, V::Text(t) => t.into_owned()),
        }
        Ok(old)
    }

    /// Whether `a` and `b` hold the same value in this field (numbers compared by bits).
    pub fn same(self, a: &Node, b: &Node) -> bool {
        self.get(a) == self.get(b)
    }

    /// Whether the file writes this field for `node`: it is not `Absent` (nor `false`). Both
    /// evidence fields are written when a node has both, under the names of
    /// [`Field::name_for`].
    pub fn is_written(self, node: &Node) -> bool {
        match self {
            Field::Controllable => node.controllable,
            Field::Targeted => node.targeted,
            _ => !matches!(self.get(node), FieldValue::Absent),
        }
    }

    /// The field's value when the file writes it ([`Field::is_written`]), read once: the
    /// writers ask this of every field of every node.
    pub fn written(self, node: &Node) -> Option<FieldValue<'_>> {
        match self.get(node) {
            FieldValue::Absent | FieldValue::Bool(false) => None,
            value => Some(value),
        }
    }
}

/// Whether a node holds both evidence entries and an evidence score, which only format 3
/// can write.
pub fn holds_both_evidence(node: &Node) -> bool {
    !node.evidence.is_empty() && node.evidence_strength.is_some()
}

/// Whether two nodes hold the same value in every field (numbers compared by bits): what
/// [`Field::same`] says of every field, without building a [`FieldValue`] per field (a diff
/// or merge of 100k nodes asks this of each). The destructuring is exhaustive, so a new
/// field of [`Node`] does not compile until it is compared here. A node is the same as
/// itself at once: versions of a map share the nodes no one changed.
pub fn same_node(a: &Node, b: &Node) -> bool {
    if std::ptr::eq(a, b) {
        return true;
    }
    let Node {
        kind,
        title,
        formula,
        value,
        unit,
        display,
        target,
        direction,
        thresholds,
        controllable,
        history,
        source,
        owner,
        sizing,
        market,
        company,
        customer,
        evidence,
        targeted,
        status,
        effort,
        expected_lift,
        category,
        importance,
        evidence_strength,
        method,
        success_criterion,
        result,
        orientation,
        notes,
    } = a;
    let number = |x: &Option<f64>, y: &Option<f64>| x.map(f64::to_bits) == y.map(f64::to_bits);
    let thresholds_same = match (thresholds, &b.thresholds) {
        (Some(x), Some(y)) => same_f64(x.warn, y.warn) && same_f64(x.alert, y.alert),
        (x, y) => x.is_none() && y.is_none(),
    };
    *kind == b.kind
        && *title == b.title
        && *formula == b.formula
        && number(value, &b.value)
        && *unit == b.unit
        && *display == b.display
        && number(target, &b.target)
        && *direction == b.direction
        && thresholds_same
        && *controllable == b.controllable
        && history.len() == b.history.len()
        && history
            .iter()
            .zip(&b.history)
            .all(|((ka, va), (kb, vb))| ka == kb && same_f64(*va, *vb))
        && *source == b.source
        && *owner == b.owner
        && *sizing == b.sizing
        && *market == b.market
        && *company == b.company
        && *customer == b.customer
        && *evidence == b.evidence
        && *targeted == b.targeted
        && *status == b.status
        && *effort == b.effort
        && number(expected_lift, &b.expected_lift)
        && *category == b.category
        && *importance == b.importance
        && *evidence_strength == b.evidence_strength
        && *method == b.method
        && *success_criterion == b.success_criterion
        && *result == b.result
        && *orientation == b.orientation
        && *notes == b.notes
}

impl FieldValue<'_> {
    /// The value without borrows.
    pub fn into_owned(self) -> FieldValue<'static> {
        use FieldValue as V;
        match self {
            V::Absent => V::Absent,
            V::Bool(b) => V::Bool(b),
            V::Number(v) => V::Number(v),
            V::Score(s) => V::Score(s),
            V::Text(t) => V::Text(Cow::Owned(t.into_owned())),
            V::Kind(k) => V::Kind(k),
            V::Formula(f) => V::Formula(Cow::Owned(f.into_owned())),
            V::Display(d) => V::Display(d),
            V::Direction(d) => V::Direction(d),
            V::Thresholds(t) => V::Thresholds(t),
            V::History(h) => V::History(Cow::Owned(h.into_owned())),
            V::Sizing(s) => V::Sizing(s),
            V::Evidence(e) => V::Evidence(Cow::Owned(e.into_owned())),
            V::Status(s) => V::Status(s),
            V::Category(c) => V::Category(c),
            V::Orientation(o) => V::Orientation(o),
        }
    }

    /// Whether the field is left out.
    pub fn is_absent(&self) -> bool {
        matches!(self, FieldValue::Absent)
    }

    /// What kind of value this is, in words, for messages ("a number", "text").
    pub fn type_name(&self) -> &'static str {
        use FieldValue as V;
        match self {
            V::Absent => "nothing",
            V::Bool(_) => "true or false",
            V::Number(_) => "a number",
            V::Score(_) => "a 1–5 score",
            V::Text(_) => "text",
            V::Kind(_) => "a node kind",
            V::Formula(_) => "a formula",
            V::Display(_) => "a display",
            V::Direction(_) => "a direction",
            V::Thresholds(_) => "thresholds",
            V::History(_) => "a history",
            V::Sizing(_) => "a sizing",
            V::Evidence(_) => "evidence entries",
            V::Status(_) => "a status",
            V::Category(_) => "a category",
            V::Orientation(_) => "an orientation",
        }
    }
}

fn same_f64(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits()
}

impl PartialEq for FieldValue<'_> {
    fn eq(&self, other: &Self) -> bool {
        use FieldValue as V;
        match (self, other) {
            (V::Absent, V::Absent) => true,
            (V::Bool(a), V::Bool(b)) => a == b,
            (V::Number(a), V::Number(b)) => same_f64(*a, *b),
            (V::Score(a), V::Score(b)) => a == b,
            (V::Text(a), V::Text(b)) => a == b,
            (V::Kind(a), V::Kind(b)) => a == b,
            (V::Formula(a), V::Formula(b)) => a == b,
            (V::Display(a), V::Display(b)) => a == b,
            (V::Direction(a), V::Direction(b)) => a == b,
            (V::Thresholds(a), V::Thresholds(b)) => {
                same_f64(a.warn, b.warn) && same_f64(a.alert, b.alert)
            }
            (V::History(a), V::History(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b.iter())
                        .all(|((ka, va), (kb, vb))| ka == kb && same_f64(*va, *vb))
            }
            (V::Sizing(a), V::Sizing(b)) => a == b,
            (V::Evidence(a), V::Evidence(b)) => a == b,
            (V::Status(a), V::Status(b)) => a == b,
            (V::Category(a), V::Category(b)) => a == b,
            (V::Orientation(a), V::Orientation(b)) => a == b,
            _ => false,
        }
    }
}

/// As JSON: `null` when absent; numbers, scores, text and flags as themselves; kinds and
/// other names as their file name (`"Metric"`, `"Percent"`); a formula as `"Sum"` … `"Max"`
/// or `{"Expr": "text"}`; thresholds and sizing as objects of their fields; history as an
/// object of period → number; evidence as a list of `{source, date, quote}` objects.
impl Serialize for FieldValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use FieldValue as V;
        match self {
            V::Absent => s.serialize_none(),
            V::Bool(b) => s.serialize_bool(*b),
            V::Number(v) => s.serialize_f64(*v),
            V::Score(v) => s.serialize_u8(*v),
            V::Text(t) => s.serialize_str(t),
            V::Kind(k) => s.serialize_str(k.name()),
            V::Formula(f) => f.serialize(s),
            V::Display(d) => s.serialize_str(d.name()),
            V::Direction(d) => s.serialize_str(d.name()),
            V::Thresholds(t) => t.serialize(s),
            V::History(h) => {
                let mut map = s.serialize_map(Some(h.len()))?;
                for (k, v) in h.iter() {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            V::Sizing(z) => z.serialize(s),
            V::Evidence(e) => e.serialize(s),
            V::Status(x) => s.serialize_str(x.name()),
            V::Category(c) => s.serialize_str(c.name()),
            V::Orientation(o) => s.serialize_str(o.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full_node() -> Node {
        let mut n = Node::new(NodeKind::Opportunity, "Full");
        n.formula = Some(Formula::Expr("a + b".into()));
        n.value = Some(1.5);
        n.unit = Some("$".into());
        n.display = Some(Display::Currency);
        n.target = Some(2.0);
        n.direction = Some(Direction::LowerIsBetter);
        n.thresholds = Some(Thresholds {
            warn: 1.0,
            alert: 0.5,
        });
        n.controllable = true;
        n.history.insert("2026-09", 1.0);
        n.source = Some("src".into());
        n.owner = Some("me".into());
        n.sizing = Some(Sizing {
            reach: 1,
            frequency: 2,
            severity: 3,
        });
        n.market = Some(1);
        n.company = Some(2);
        n.customer = Some(3);
        n.evidence.push(Evidence {
            source: "Dana".into(),
            date: None,
            quote: Some("q".into()),
        });
        n.targeted = true;
        n.status = Some(Status::Idea);
        n.effort = Some(4);
        n.expected_lift = Some(0.1);
        n.category = Some(Category::Ethical);
        n.importance = Some(5);
        n.evidence_strength = Some(2);
        n.method = Some("m".into());
        n.success_criterion = Some("s".into());
        n.result = Some("r".into());
        n.orientation = Some(Orientation::LeftRight);
        n.notes = Some("n".into());
        n
    }

    /// Setting every field of an empty node from a full one makes the full node, and the old
    /// values returned are the empty node's: each row of the table reads and writes the same
    /// field, and no field is missing from the table.
    #[test]
    fn every_field_reads_and_writes_its_own_slot() {
        let full = full_node();
        let mut node = Node::new(NodeKind::Note, "");
        for field in Field::ALL {
            let empty = Node::new(NodeKind::Note, "");
            let old = field.set(&mut node, field.get(&full).into_owned());
            assert_eq!(old, Ok(field.get(&empty).into_owned()), "{field:?}");
        }
        assert_eq!(node, full);
        for field in Field::ALL {
            if field != Field::Kind && field != Field::Title {
                assert!(field.set(&mut node, FieldValue::Absent).is_ok());
            }
        }
        assert_eq!(node, Node::new(NodeKind::Opportunity, "Full"));
    }

    #[test]
    fn wrong_types_are_refused_and_change_nothing() {
        let mut node = full_node();
        let err = Field::Target.set(&mut node, FieldValue::Text("x".into()));
        assert_eq!(
            err,
            Err(FieldError::WrongType {
                field: "target",
                found: "text"
            })
        );
        assert_eq!(
            Field::Title.set(&mut node, FieldValue::Absent),
            Err(FieldError::Required("title"))
        );
        assert_eq!(node, full_node());
    }

    #[test]
    fn names_are_the_file_names_in_order() {
        let names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(names[..4], ["kind", "title", "formula", "value"]);
        assert_eq!(Field::from_name("expected_lift"), Some(Field::ExpectedLift));
        assert_eq!(Field::from_name("evidence"), Some(Field::Evidence));
        assert_eq!(
            Field::from_name("evidence_strength"),
            Some(Field::EvidenceStrength)
        );
        let mut both = full_node();
        assert!(holds_both_evidence(&both));
        assert_eq!(Field::EvidenceStrength.name_for(&both), "evidence_strength");
        both.evidence.clear();
        assert_eq!(Field::EvidenceStrength.name_for(&both), "evidence");
        assert_eq!(Field::from_name("parent"), None);
    }

    /// `same_node` agrees with asking `Field::same` of every field: a node differing from
    /// another in any one field, or only in the sign of a zero, is not the same.
    #[test]
    fn same_node_sees_every_field_and_the_sign_of_zero() {
        let full = full_node();
        assert!(same_node(&full, &full.clone()));
        for field in Field::ALL {
            let mut other = full.clone();
            let blank = Node::new(NodeKind::Note, "");
            let _ = field.set(&mut other, field.get(&blank).into_owned());
            assert_eq!(
                same_node(&full, &other),
                Field::ALL.iter().all(|f| f.same(&full, &other)),
                "{field:?}"
            );
            assert!(!same_node(&full, &other), "{field:?}");
        }
        let mut zero = full.clone();
        zero.value = Some(0.0);
        let mut negative = full.clone();
        negative.value = Some(-0.0);
        assert!(!same_node(&zero, &negative));
        let mut history = full.clone();
        history.history.insert("2026-09", 1.0 + f64::EPSILON);
        assert!(!same_node(&full, &history));
        let mut thresholds = full;
        thresholds.thresholds = Some(Thresholds {
            warn: 1.0,
            alert: -0.0,
        });
        assert!(!same_node(&full_node(), &thresholds));
    }

    #[test]
    fn written_is_is_written_with_the_value() {
        let blank = Node::new(NodeKind::Metric, "");
        for node in [full_node(), blank] {
            for f in Field::ALL {
                assert_eq!(f.written(&node).is_some(), f.is_written(&node), "{f:?}");
                if let Some(value) = f.written(&node) {
                    assert_eq!(value, f.get(&node), "{f:?}");
                }
            }
        }
    }

    #[test]
    fn numbers_compare_by_bits() {
        assert_ne!(FieldValue::Number(0.0), FieldValue::Number(-0.0));
        assert_eq!(FieldValue::Number(f64::NAN), FieldValue::Number(f64::NAN));
        let json = serde_json::to_string(&Field::Formula.get(&full_node())).unwrap_or_default();
        assert_eq!(json, r#"{"Expr":"a + b"}"#);
    }
}
