package io.shroud.link;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A link acknowledges every TCP read by ask: that must not cost a thread per read. */
class AcksTest {
  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @Test
  void acknowledgingAskStartsNoThreadPerAck() throws Exception {
    ActorRef<ActorRef<Done>> acker = KIT.spawn(Behaviors.receiveMessage(replyTo -> {
      replyTo.tell(Done.getInstance());
      return Behaviors.same();
    }));
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 50; i++) { // let the dispatcher start its threads
      ack(acker);
    }
    long before = threads.getTotalStartedThreadCount();
    for (int i = 0; i < 500; i++) {
      assertNull(ack(acker));
    }
    long started = threads.getTotalStartedThreadCount() - before;
    // the old thenApply started one thread per ack (500 here); other test classes may start a few
    assertTrue(started < 100, "500 acknowledgements started " + started + " threads");
  }

  private static Void ack(ActorRef<ActorRef<Done>> acker) throws Exception {
    return Acks.completion(AskPattern.<ActorRef<Done>, Done>ask(acker, r -> r, Duration.ofSeconds(3),
            KIT.system().scheduler()))
        .toCompletableFuture().get(3, TimeUnit.SECONDS);
  }
}
