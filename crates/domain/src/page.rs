//! Pagination shared by every list.

use serde::{Deserialize, Serialize};

/// A requested page: 1-based, `per_page` within 1..=100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl PageRequest {
    pub const MAX_PER_PAGE: u32 = 100;

    pub fn new(page: u32, per_page: u32) -> Result<PageRequest, crate::DomainError> {
        let mut errors = Vec::new();
        if page == 0 {
            errors.push(crate::FieldError::new("page", "out_of_range", "page starts at 1"));
        }
        if per_page == 0 || per_page > Self::MAX_PER_PAGE {
            errors.push(crate::FieldError::new(
                "per_page",
                "out_of_range",
                format!("per_page is between 1 and {}", Self::MAX_PER_PAGE),
            ));
        }
        if errors.is_empty() {
            Ok(PageRequest { page, per_page })
        } else {
            Err(crate::DomainError::Invalid(errors))
        }
    }

    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest { page: 1, per_page: 20 }
    }
}

/// One page of items with the totals a client needs to page through the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub pages: u64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: u64, request: PageRequest) -> Page<T> {
        Page {
            items,
            total,
            page: request.page,
            per_page: request.per_page,
            pages: total.div_ceil(u64::from(request.per_page)),
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
            pages: self.pages,
        }
    }
}
