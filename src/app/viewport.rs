//! The transcript's viewport: the one place that says how wide its text is and how
//! many rows are left for messages after the error banner and the "new messages" bar.
//! The reducer (scrolling, paging, the follow anchor) and the renderer both use it, so
//! they can never disagree about where the tail is.

use ratatui::layout::Rect;

use super::layout::text_area;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Viewport {
    /// Columns of message text.
    pub width: usize,
    /// Rows inside the pane's borders.
    pub inner: usize,
    /// Rows taken by the one-line "refresh failed" banner at the top.
    pub banner: usize,
}

impl Viewport {
    pub fn new(pane: Rect, banner: bool) -> Self {
        let (width, inner) = text_area(pane);
        Viewport {
            width,
            inner,
            banner: usize::from(banner && inner > 1),
        }
    }

    /// Whether the "scrolled back / N new messages" bar takes a row.
    pub fn has_bar(&self, following: bool) -> bool {
        !following && self.inner.saturating_sub(self.banner) > 1
    }

    /// Rows left for messages.
    pub fn rows(&self, following: bool) -> usize {
        let bar = usize::from(self.has_bar(following));
        self.inner.saturating_sub(self.banner + bar).max(1)
    }

    /// Rows a page key moves: a page less one row of overlap, never nothing.
    pub fn page(&self) -> usize {
        self.rows(false).saturating_sub(1).max(1)
    }
}
