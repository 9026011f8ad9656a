package com.cvmbilling.renewal.client;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One page of a list, and the way to the next ones (GAX's paged response). {@link #iterateAll()}
 * walks every item of this page and all later pages, fetching each page only when the previous one
 * is used up; each fetch is one call with the same options, retried on its own.
 *
 * <pre>{@code
 * for (InstanceInfo instance : client.describeInstances(request).iterateAll()) { ... }
 * }</pre>
 *
 * @param <T> the item type
 */
public final class Page<T> {
  private final List<T> items;
  private final String nextPageToken;
  private final Function<String, CompletableFuture<Page<T>>> fetcher;

  Page(List<T> items, String nextPageToken, Function<String, CompletableFuture<Page<T>>> fetcher) {
    this.items = List.copyOf(items);
    this.nextPageToken = nextPageToken == null ? "" : nextPageToken;
    this.fetcher = fetcher;
  }

  /** The items of this page. */
  public List<T> items() {
    return items;
  }

  /**
   * The token of the next page; empty on the last page. For {@code ListEvents} it is the last event
   * id of this page.
   */
  public String nextPageToken() {
    return nextPageToken;
  }

  public boolean hasNextPage() {
    return !nextPageToken.isEmpty();
  }

  /**
   * Fetches the next page (blocking), with the options of the call that fetched this one.
   *
   * @return the next page
   * @throws NoSuchElementException on the last page
   * @throws com.cvmbilling.renewal.client.error.RenewalException (or a subclass) when the page
   *     cannot be fetched after the retries
   */
  public Page<T> nextPage() {
    if (!hasNextPage()) {
      throw new NoSuchElementException("this is the last page");
    }
    return Futures.await(nextPageAsync());
  }

  /**
   * Fetches the next page without blocking.
   *
   * @return the next page's future; it fails with {@link NoSuchElementException} on the last page,
   *     or with a {@link com.cvmbilling.renewal.client.error.RenewalException} when the page cannot
   *     be fetched after the retries
   */
  public CompletableFuture<Page<T>> nextPageAsync() {
    if (!hasNextPage()) {
      return CompletableFuture.failedFuture(new NoSuchElementException("this is the last page"));
    }
    return fetcher.apply(nextPageToken);
  }

  /**
   * This page and every later one, each fetched when the iteration reaches it.
   *
   * @return the pages
   * @throws com.cvmbilling.renewal.client.error.RenewalException (or a subclass) from the
   *     iterator's {@code next()} when a later page cannot be fetched after the retries
   */
  public Iterable<Page<T>> iteratePages() {
    return () ->
        new Iterator<>() {
          private Page<T> current;

          @Override
          public boolean hasNext() {
            return current == null || current.hasNextPage();
          }

          @Override
          public Page<T> next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            current = current == null ? Page.this : current.nextPage();
            return current;
          }
        };
  }

  /**
   * Every item of this page and all later pages.
   *
   * @return the items
   * @throws com.cvmbilling.renewal.client.error.RenewalException (or a subclass) from the
   *     iterator's {@code hasNext()} when a later page cannot be fetched after the retries
   */
  public Iterable<T> iterateAll() {
    return () ->
        new Iterator<>() {
          private Page<T> page = Page.this;
          private Iterator<T> items = page.items.iterator();

          @Override
          public boolean hasNext() {
            while (!items.hasNext()) {
              if (!page.hasNextPage()) {
                return false;
              }
              page = page.nextPage();
              items = page.items.iterator();
            }
            return true;
          }

          @Override
          public T next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return items.next();
          }
        };
  }

  /**
   * Every item of this page and all later pages, as a sequential stream.
   *
   * @return the items
   * @throws com.cvmbilling.renewal.client.error.RenewalException (or a subclass) from the stream's
   *     terminal operation when a later page cannot be fetched after the retries
   */
  public Stream<T> streamAll() {
    return StreamSupport.stream(iterateAll().spliterator(), false);
  }

  @Override
  public String toString() {
    return "Page{" + items.size() + " items" + (hasNextPage() ? ", more" : ", last") + "}";
  }
}
