package io.herald.admin;

import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * One page of a listing.
 *
 * @param items this page's items
 * @param page the page number, from 0
 * @param size the page size asked for
 * @param total items across all pages, after filtering
 * @param <T> the item type
 */
public record AdminPage<T>(List<T> items, int page, int size, long total) {

	/** The largest page size served. */
	static final int MAX_SIZE = 500;

	/**
	 * Filters, sorts and cuts a snapshot.
	 * @throws ResponseStatusException 400 for a negative page or a size out of 1 to
	 * {@value #MAX_SIZE}
	 */
	static <T> AdminPage<T> of(List<T> all, Predicate<T> filter, Comparator<T> order, int page, int size) {
		if (page < 0) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "page must not be negative, was " + page);
		}
		if (size < 1 || size > MAX_SIZE) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"size must be between 1 and " + MAX_SIZE + ", was " + size);
		}
		List<T> matching = all.stream().filter(filter).sorted(order).toList();
		int from = (int) Math.min((long) page * size, matching.size());
		int to = Math.min(from + size, matching.size());
		return new AdminPage<>(matching.subList(from, to), page, size, matching.size());
	}

}
