//! The ports a backup reads and a restore writes, whichever backend is behind them.

use std::fmt;
use std::sync::Arc;

use folio_domain::content::articles::{ArticleQuery, ArticleRepository, ArticleSort, SortField};
use folio_domain::content::{CollectionKind, CollectionRepository};
use folio_domain::media::{MediaFilter, MediaRepository};
use folio_domain::users::UserRepository;
use folio_domain::{DomainError, PageRequest};

/// The repositories of one database.
#[derive(Debug, Clone)]
pub struct Repositories {
    pub users: Arc<dyn UserRepository>,
    pub media: Arc<dyn MediaRepository>,
    pub items: Arc<dyn CollectionRepository>,
    pub articles: Arc<dyn ArticleRepository>,
}

/// How many rows a database holds, per table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub users: u64,
    pub media: u64,
    /// Collection items of every kind, the site profile included.
    pub items: u64,
    pub articles: u64,
}

impl Counts {
    pub fn is_empty(&self) -> bool {
        *self == Counts::default()
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} users, {} media, {} collection items, {} articles",
            self.users, self.media, self.items, self.articles
        )
    }
}

const ONE: PageRequest = PageRequest { page: 1, per_page: 1 };
const PAGE: PageRequest = PageRequest { page: 1, per_page: PageRequest::MAX_PER_PAGE };

impl Repositories {
    /// What the database holds.
    pub async fn counts(&self) -> Result<Counts, DomainError> {
        let mut items = 0;
        for kind in CollectionKind::ALL {
            items += self.items.list(kind, None, true).await?.len() as u64;
        }
        Ok(Counts {
            users: self.users.count().await?,
            media: self.media.list(&MediaFilter::default(), ONE).await?.total,
            items,
            articles: self.articles.search(&all_articles(ONE)).await?.total,
        })
    }

    /// Deletes everything, through the ports: articles (with their sections), collection
    /// items (top-level ones take what is nested in them along), media records, users. Media
    /// objects stay where they are: the restored records may name them, and the media sweep
    /// removes those nothing names.
    pub(crate) async fn clear(&self) -> Result<(), DomainError> {
        loop {
            let page = self.articles.search(&all_articles(PAGE)).await?;
            if page.items.is_empty() {
                break;
            }
            for article in page.items {
                self.articles.delete(article.id).await?;
            }
        }
        for kind in CollectionKind::ALL {
            // Nested kinds go with their parents; what is left of them has none.
            for item in self.items.list(kind, None, true).await? {
                self.items.delete(kind, item.id).await?;
            }
        }
        loop {
            let page = self.media.list(&MediaFilter::default(), PAGE).await?;
            if page.items.is_empty() {
                break;
            }
            for media in page.items {
                self.media.delete(media.id).await?;
            }
        }
        loop {
            let page = self.users.list(PAGE).await?;
            if page.items.is_empty() {
                break;
            }
            for user in page.items {
                self.users.delete(user.id).await?;
            }
        }
        Ok(())
    }
}

/// Every article, hidden ones too, oldest first (ties by id), one page of `page`.
pub(crate) fn all_articles(page: PageRequest) -> ArticleQuery {
    ArticleQuery {
        page,
        sort: ArticleSort { field: SortField::CreatedAt, descending: false },
        include_hidden: true,
        ..ArticleQuery::default()
    }
}
