package io.herald.routing;

/**
 * What a resuming subscription got from its topic's history.
 *
 * @param recovered whether it got everything since its position (or all of the rewind it
 * asked for): nothing was missed
 * @param epoch the history's epoch, {@code null} when there is none
 * @param lastOffset the history's last offset when it was read; live messages of that
 * epoch at or below it were replayed or came before the position, so they are not
 * delivered again
 */
public record Replay(boolean recovered, String epoch, long lastOffset) {
}
