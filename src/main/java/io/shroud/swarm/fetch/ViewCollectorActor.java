package io.shroud.swarm.fetch;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** A short-lived actor that gathers the views of some downloads for {@link DownloadsActor}. */
final class ViewCollectorActor {
  private static final java.time.Duration ASK = DownloadsActor.ASK;

  private ViewCollectorActor() {}

  /**
   * Asks each download for its view and replies with {@code finish} of those that answered
   * within {@link #ASK}, by id.
   */
  static <T> Behavior<Object> collect(Map<String, ActorRef<DownloadActor.Command>> downloads,
      Function<Map<String, DownloadView>, T> finish, ActorRef<T> replyTo) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ActorRef<DownloadView> self = ctx.getSelf().narrow();
      downloads.values().forEach(d -> d.tell(new DownloadActor.GetView(self)));
      timers.startSingleTimer("timeout", ASK);
      Map<String, DownloadView> views = new HashMap<>();
      if (downloads.isEmpty()) {
        replyTo.tell(finish.apply(Map.of()));
        return Behaviors.stopped();
      }
      return Behaviors.receiveMessage(m -> {
        if (m instanceof DownloadView v) {
          views.put(v.id(), v);
        }
        if (views.size() == downloads.size() || "timeout".equals(m)) {
          replyTo.tell(finish.apply(Map.copyOf(views)));
          return Behaviors.stopped();
        }
        return Behaviors.same();
      });
    }));
  }
}
