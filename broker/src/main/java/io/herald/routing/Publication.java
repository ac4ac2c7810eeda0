package io.herald.routing;

/**
 * One message and where it goes, for {@link Router#publishAll}.
 *
 * @param destination a destination parsed with {@link Destination#forSend}
 * @param message the message
 */
public record Publication(Destination destination, Message message) {
}
