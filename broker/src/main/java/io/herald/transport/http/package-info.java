/**
 * The HTTP publish API ({@code /api/v1/publish}): a way in for backends that do not speak
 * STOMP, with the checks a SEND gets ({@link io.herald.session.Publisher}).
 */
package io.herald.transport.http;
