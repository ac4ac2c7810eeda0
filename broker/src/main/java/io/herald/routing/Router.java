package io.herald.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import io.herald.memory.MemoryBudget;

/**
 * Routes published messages to subscribers. Each kind of destination is a
 * {@link DestinationType}: {@link Topics} (the subscription trie and one
 * {@link TopicDestination} per literal topic), {@link Queues} (competing consumers) and
 * {@link UserQueues} (the sessions of one user); the router picks one by
 * {@link Destination#kind()} and keeps only what spans kinds: all-or-none publishing and
 * the operators' view.
 *
 * <p>
 * Publishing runs on the publisher's thread; a publisher's messages to one destination
 * are handed to each subscriber in the order published, and each subscriber's outbound
 * buffer keeps that order. Thread-safe.
 */
public final class Router {

	private final Topics topics;

	private final Presence presence;

	private volatile Upstream upstream = Upstream.NONE;

	/** The default of {@code herald.limits.max-destination-segments}. */
	public static final int DEFAULT_MAX_DESTINATION_SEGMENTS = 32;

	private final Queues queues;

	private final int maxDestinationSegments;

	private final DestinationType[] types = new DestinationType[Destination.Kind.values().length];

	/**
	 * @param maxQueueLength most messages a queue buffers
	 * @param matchCacheSize most topic names whose subscriber sets stay cached, besides
	 * topics subscribed by exact name ({@code herald.routing.match-cache-size})
	 */
	public Router(int maxQueueLength, int matchCacheSize) {
		this(maxQueueLength, matchCacheSize, InterestListener.NONE);
	}

	/**
	 * @param maxQueueLength most messages a queue buffers
	 * @param matchCacheSize most topic names whose subscriber sets stay cached, besides
	 * topics subscribed by exact name ({@code herald.routing.match-cache-size})
	 * @param interest told when a topic pattern, queue or user queue gains its first
	 * local subscriber and loses its last (see {@link InterestListener} for its
	 * obligations)
	 */
	public Router(int maxQueueLength, int matchCacheSize, InterestListener interest) {
		this(maxQueueLength, matchCacheSize, DEFAULT_MAX_DESTINATION_SEGMENTS, interest);
	}

	/**
	 * @param maxQueueLength most messages a queue buffers
	 * @param matchCacheSize most topic names whose subscriber sets stay cached, besides
	 * topics subscribed by exact name ({@code herald.routing.match-cache-size})
	 * @param maxDestinationSegments most {@code .}-separated segments in a destination
	 * name or pattern ({@code herald.limits.max-destination-segments}); it bounds the
	 * cost of matching a topic, which is destination length × pattern length
	 * @param interest told when a topic pattern, queue or user queue gains its first
	 * local subscriber and loses its last (see {@link InterestListener} for its
	 * obligations)
	 */
	public Router(int maxQueueLength, int matchCacheSize, int maxDestinationSegments, InterestListener interest) {
		this(QueueLimits.ofLength(maxQueueLength), matchCacheSize, maxDestinationSegments, interest,
				MemoryBudget.UNBOUNDED);
	}

	/**
	 * @param queueLimits the bounds of queues ({@code herald.queues.*})
	 * @param matchCacheSize most topic names whose subscriber sets stay cached, besides
	 * topics subscribed by exact name ({@code herald.routing.match-cache-size})
	 * @param maxDestinationSegments most {@code .}-separated segments in a destination
	 * name or pattern ({@code herald.limits.max-destination-segments}); it bounds the
	 * cost of matching a topic, which is destination length × pattern length
	 * @param interest told when a topic pattern, queue or user queue gains its first
	 * local subscriber and loses its last (see {@link InterestListener} for its
	 * obligations)
	 * @param memory the node's budget, charged with what queues hold
	 */
	public Router(QueueLimits queueLimits, int matchCacheSize, int maxDestinationSegments, InterestListener interest,
			MemoryBudget memory) {
		this(queueLimits, TopicSettings.NONE, matchCacheSize, maxDestinationSegments, interest, memory);
	}

	/**
	 * @param queueLimits the bounds of queues ({@code herald.queues.*})
	 * @param topicSettings what topics remember ({@code herald.topics.*})
	 * @param matchCacheSize most topic names whose subscriber sets stay cached, besides
	 * topics subscribed by exact name ({@code herald.routing.match-cache-size})
	 * @param maxDestinationSegments most {@code .}-separated segments in a destination
	 * name or pattern ({@code herald.limits.max-destination-segments})
	 * @param interest told when a topic pattern, queue or user queue gains its first
	 * local subscriber and loses its last
	 * @param memory the node's budget, charged with what queues and retained values hold
	 */
	public Router(QueueLimits queueLimits, TopicSettings topicSettings, int matchCacheSize, int maxDestinationSegments,
			InterestListener interest, MemoryBudget memory) {
		if (maxDestinationSegments <= 0) {
			throw new IllegalArgumentException(
					"maxDestinationSegments must be positive, was " + maxDestinationSegments);
		}
		this.maxDestinationSegments = maxDestinationSegments;
		if (interest == null) {
			throw new IllegalArgumentException("interest must not be null; InterestListener.NONE listens to nothing");
		}
		this.queues = new Queues(queueLimits, memory, interest);
		this.presence = new Presence(topicSettings.presenceMaxListed());
		this.topics = new Topics(matchCacheSize, interest, topicSettings, memory, this.presence);
		for (DestinationType type : List.of(this.topics, this.queues, new UserQueues(interest), this.presence)) {
			this.types[type.kind().ordinal()] = type;
		}
	}

	/**
	 * Checks a parsed destination against the segment limit; SEND and SUBSCRIBE ask
	 * before they publish or subscribe.
	 * @return why the destination is refused, naming the limit, or {@code null} if it is
	 * within it
	 */
	public String segmentLimitRefusal(Destination destination) {
		int segments = 1;
		String name = destination.name();
		for (int i = 0; i < name.length(); i++) {
			if (name.charAt(i) == DestinationName.SEPARATOR) {
				segments++;
			}
		}
		if (segments <= this.maxDestinationSegments) {
			return null;
		}
		return "destination has " + segments + " segments, more than the limit of " + this.maxDestinationSegments
				+ " (herald.limits.max-destination-segments)";
	}

	/**
	 * Routes a message sent to a destination parsed with {@link Destination#forSend}.
	 */
	public PublishResult publish(Destination destination, Message message) {
		if (destination.kind() == Destination.Kind.QUEUE && this.upstream.carriesQueues()) {
			CompletableFuture<String> stored = this.upstream.enqueue(destination, message).toCompletableFuture();
			String refusal = stored.getNow(null);
			return (refusal != null) ? PublishResult.refused(refusal) : PublishResult.pending(stored);
		}
		PublishResult result = this.types[destination.kind().ordinal()].publish(destination, message);
		Destination.Kind kind = destination.kind();
		if ((kind == Destination.Kind.TOPIC || kind == Destination.Kind.USER) && result.accepted()
				&& !result.isDuplicate()) {
			this.upstream.published(destination, message);
		}
		return result;
	}

	/**
	 * Routes a topic or user-queue message that another node of the cluster published: to
	 * this node's subscribers only, never back upstream.
	 */
	public PublishResult publishFromUpstream(Destination destination, Message message) {
		return this.types[destination.kind().ordinal()].publish(destination, message);
	}

	/**
	 * The topic patterns (without {@code /topic/}) of the rules that retain: a node of a
	 * cluster receives their messages whatever its local subscribers, so that every node
	 * holds every retained value.
	 */
	public List<String> retainingPatterns() {
		return this.topics.rules()
			.rules()
			.stream()
			.filter((rule) -> rule.retain() != TopicRules.Retain.NONE)
			.flatMap((rule) -> rule.destinations().stream())
			.map(DestinationPattern::toString)
			.filter((pattern) -> pattern.startsWith(DestinationName.TOPIC_PREFIX))
			.map((pattern) -> pattern.substring(DestinationName.TOPIC_PREFIX.length()))
			.distinct()
			.toList();
	}

	/** Sets where this node's topic messages go for the other nodes; once, at start. */
	public void upstream(Upstream upstream) {
		this.upstream = upstream;
		this.presence.upstream(upstream);
	}

	/**
	 * Another node's session entered a presence room, or changed its member info there:
	 * this node's watchers of the room are told as of its own members.
	 */
	public void memberJoinedElsewhere(String room, String user, String session, String info) {
		this.presence.joinedElsewhere(room, user, session, info);
	}

	/** Another node's session left a presence room, or its node is gone. */
	public void memberLeftElsewhere(String room, String session) {
		this.presence.leftElsewhere(room, session);
	}

	/** One presence member: its room, user, session and member info. */
	@FunctionalInterface
	public interface MemberVisitor {

		void member(String room, String user, String session, String info);

	}

	/** Tells {@code each} of every presence member of this node's own. */
	public void forEachLocalMember(MemberVisitor each) {
		this.presence.forEachLocalMember(each);
	}

	/**
	 * Routes messages all or none (a transaction's SENDs at COMMIT): when a queue among
	 * the destinations has no room for the messages meant for it, nothing is published.
	 * The queues involved stay locked from the check to the last enqueue, always in name
	 * order, so that no other publisher can fill them in between and two such calls
	 * cannot deadlock.
	 * @return accepted with the total receivers, or the refusal of the first full queue
	 */
	public PublishResult publishAll(List<Publication> publications) {
		if (this.upstream.carriesQueues()) {
			// the cluster's queues live in RabbitMQ: one by one, the first refusal ends
			// it (those sent before it are kept); the COMMIT's RECEIPT waits for them all
			int receivers = 0;
			CompletionStage<String> stored = PublishResult.STORED;
			for (Publication publication : publications) {
				PublishResult result = publish(publication.destination(), publication.message());
				if (!result.accepted()) {
					return result;
				}
				receivers += result.receivers();
				if (result.isPending()) {
					stored = stored.thenCombine(result.stored(), (first, next) -> (first != null) ? first : next);
				}
			}
			return new PublishResult(true, receivers, null, stored);
		}
		return this.queues.publishAll(publications, (other) -> publish(other.destination(), other.message()));
	}

	/**
	 * Subscribes to a destination parsed with {@link Destination#forSubscribe}.
	 * @param user the subscribing session's user, for user destinations
	 * @param subscriber the receiver; for queues it must be a {@link QueueConsumer}
	 */
	public Route subscribe(Destination destination, String user, Subscriber subscriber) {
		return this.types[destination.kind().ordinal()].subscribe(destination, user, subscriber);
	}

	/**
	 * Takes the retained value of a topic that another node of the cluster holds, unless
	 * this node holds one: not delivered to anyone (a node that connects hears so of the
	 * values published before).
	 * @return whether it was taken
	 */
	public boolean adoptRetained(Destination topic, Message message) {
		return this.topics.adopt(topic, message);
	}

	/**
	 * Hands the retained value of every topic a new subscription matches to it, in name
	 * order, before its live messages of those topics (see {@link TopicMemory}); for
	 * other kinds of destination, nothing.
	 */
	public void forEachRetained(Destination destination, Consumer<Message> consumer) {
		if (destination.kind() == Destination.Kind.TOPIC) {
			this.topics.forEachRetained(destination, consumer);
		}
	}

	/**
	 * Replays a topic's history to a resuming subscription: what followed {@code since},
	 * or the last {@code rewind} messages, under the topic's slot, so that the hand-over
	 * to live messages has no gap and no repeat (see {@link TopicMemory}).
	 */
	public Replay replay(Destination topic, Position since, int rewind, Consumer<Boolean> answer,
			Consumer<Message> consumer) {
		return this.topics.replay(topic, since, rewind, answer, consumer);
	}

	/**
	 * Why a SEND asking {@code x-herald-retain:true} is refused, or {@code null} when the
	 * destination's rule lets it retain; asked before a transaction takes the SEND, so
	 * that a COMMIT never routes part of it.
	 */
	public String retainRefusal(Destination destination) {
		if (destination.kind() == Destination.Kind.TOPIC
				&& this.topics.ruleOf(destination.name()).retain() != TopicRules.Retain.NONE) {
			return null;
		}
		return Topics.retainRefusal(destination);
	}

	/**
	 * Forgets history messages past their TTL and idempotency keys past their window in
	 * every topic, and retires what is left empty; sends large presence rooms' counts;
	 * the broker calls it periodically.
	 * @return how many topics gave their memory back
	 */
	public int sweepTopics() {
		this.presence.sweep();
		return this.topics.sweep();
	}

	/**
	 * Why a destination cannot be watched for presence, or {@code null} when it can: its
	 * room's topic must have a rule with {@code presence: true}.
	 */
	public String presenceRefusal(Destination destination) {
		if (destination.kind() != Destination.Kind.PRESENCE || this.topics.ruleOf(destination.name()).presence()) {
			return null;
		}
		return "presence is not enabled for " + DestinationName.TOPIC_PREFIX + destination.name()
				+ ": no herald.topics.rules entry with presence: true covers it";
	}

	/**
	 * Who is in a room now, as the JSON body of a {@code snapshot} (an array of members)
	 * or, for a room over the bound, of {@code counts}.
	 */
	public byte[] presenceSnapshot(String roomName) {
		return this.presence.snapshot(roomName);
	}

	/** How many messages the topic's history keeps; 0 when it keeps none. */
	public int historySize(Destination topic) {
		return (topic.kind() == Destination.Kind.TOPIC) ? this.topics.ruleOf(topic.name()).historySize() : 0;
	}

	/** SENDs not routed again: their idempotency key was seen within the window. */
	public long duplicateSends() {
		return this.topics.duplicates();
	}

	/** Topics holding a retained value. */
	public int retainedCount() {
		return this.topics.retainedCount();
	}

	/** Bytes retained values hold, against {@code herald.topics.max-memory}. */
	public long retainedBytes() {
		return this.topics.retainedBytes();
	}

	/** Retained values evicted by {@code herald.topics.max-retained} or max-memory. */
	public long retainedEvictions() {
		return this.topics.retainedEvictions();
	}

	/** Number of topic subscriptions, for statistics. */
	public int topicSubscriptionCount() {
		return this.topics.subscriptionCount();
	}

	/** Number of messages waiting in the named queue, 0 if it does not exist. */
	public int queueDepth(String queueName) {
		return this.queues.depth(queueName);
	}

	/** Number of consumers of the named queue, 0 if it does not exist. */
	public int queueConsumerCount(String queueName) {
		return this.queues.consumerCount(queueName);
	}

	/**
	 * Drops the messages waiting in the named queue, for operators. Messages its
	 * consumers hold unacknowledged are not touched: a NACK or a consumer leaving puts
	 * them back.
	 * @return how many messages were dropped, 0 if the queue does not exist
	 */
	public int purge(String queueName) {
		return this.queues.purge(queueName);
	}

	/**
	 * {@code herald.queues.max-queues}: most queues a SEND may create (the cluster's
	 * too).
	 */
	public int maxQueues() {
		return this.queues.maxQueues();
	}

	/** Number of queues, buffering or consumed. */
	public int queueCount() {
		return this.queues.count();
	}

	/** Whether the named queue (the name after {@code /queue/}) exists. */
	public boolean hasQueue(String queueName) {
		return this.queues.exists(queueName);
	}

	/** Messages waiting in all queues together. */
	public long bufferedMessageCount() {
		return this.queues.buffered();
	}

	/**
	 * Bytes all queues hold together, waiting or delivered and not yet acknowledged,
	 * against {@code herald.queues.max-memory}.
	 */
	public long queuedBytes() {
		return this.queues.heldBytes();
	}

	/**
	 * Removes the queues that have held no message and had no consumer through
	 * {@code herald.queues.idle-timeout}; the broker calls it periodically.
	 * @param now the time, in nanoseconds of any fixed origin
	 * @return how many queues were removed
	 */
	public int retireIdleQueues(long now) {
		return this.queues.retireIdle(now);
	}

	/**
	 * A snapshot of the destinations the router holds, sorted by name: topics subscribed
	 * by exact name or published to recently (wildcard subscriptions count among the
	 * subscribers of each topic they reach), every queue, and user queues with sessions.
	 * Read-only; costs one pass over them, never stops traffic.
	 */
	public List<DestinationInfo> destinations() {
		List<DestinationInfo> destinations = new ArrayList<>();
		for (DestinationType type : this.types) {
			type.describe(destinations);
		}
		destinations.sort(Comparator.comparing(DestinationInfo::name));
		return destinations;
	}

}
