// The search of one login (issue 17): the last query, its results page by page, and whether a
// request is on its way. A new query replaces the old one; an answer to a query that was
// replaced or closed meanwhile is dropped. The view (ui/search_panel.ts) reads it and calls run,
// more and close; errors are kept for the view to describe (state/describe.ts).
import { SearchPage, SearchResult, decodeSearchPage, searchBody } from "../api/search";
import { Response, topics } from "../api/wire";

export interface SearchDeps {
  request(topic: string, body: Record<string, unknown>): Promise<Response>;
  changed(): void;
}

export class SearchState {
  query = "";
  conversationId: string | undefined = undefined;
  results: SearchResult[] = [];
  hasMore = false;
  loading = false;
  /** The last request's failure, if it failed. */
  error: unknown = null;
  /** A query ran (the results, possibly none, are shown). */
  active = false;
  private cursor: string | undefined;
  private generation = 0;

  constructor(private d: SearchDeps) {}

  /** Runs `query` (trimmed), in one conversation if given; the first page replaces the results. */
  run(query: string, conversationId?: string): Promise<void> {
    this.query = query.trim();
    this.conversationId = conversationId;
    this.results = [];
    this.hasMore = false;
    this.cursor = undefined;
    this.active = true;
    return this.fetch();
  }

  /** The next page of the current query, appended. */
  more(): Promise<void> {
    if (!this.active || !this.hasMore || this.loading) return Promise.resolve();
    return this.fetch();
  }

  close(): void {
    this.generation++;
    this.active = false;
    this.loading = false;
    this.results = [];
    this.hasMore = false;
    this.error = null;
    this.query = "";
    this.d.changed();
  }

  private async fetch(): Promise<void> {
    const gen = ++this.generation;
    this.loading = true;
    this.error = null;
    this.d.changed();
    let page: SearchPage | null = null;
    let error: unknown = null;
    try {
      const body = searchBody({ query: this.query, conversationId: this.conversationId, cursor: this.cursor });
      page = decodeSearchPage(await this.d.request(topics.req("search"), body));
    } catch (e) {
      error = e;
    }
    if (gen !== this.generation) return; // replaced or closed meanwhile
    this.loading = false;
    if (page) {
      this.results = this.results.concat(page.results);
      this.hasMore = page.has_more;
      this.cursor = page.next_cursor;
    } else {
      this.error = error;
    }
    this.d.changed();
  }
}
