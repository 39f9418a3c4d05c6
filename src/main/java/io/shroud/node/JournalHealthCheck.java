package io.shroud.node;

import com.typesafe.config.Config;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.dispatch.Dispatchers;

/**
 * Readiness check: the journal's database answers a trivial query with the same URL and
 * credentials the journal uses. Runs on the blocking-I/O dispatcher. Pekko Management
 * instantiates it from {@code pekko.management.health-checks.readiness-checks}.
 */
public final class JournalHealthCheck implements Supplier<CompletionStage<Boolean>> {
  private final String url;
  private final String user;
  private final String password;
  private final Executor executor;

  public JournalHealthCheck(ActorSystem system) {
    Config db = system.settings().config().getConfig("pekko-persistence-jdbc.shared-databases.shroud.db");
    this.url = db.getString("url");
    this.user = db.getString("user");
    this.password = db.getString("password");
    this.executor = system.dispatchers().lookup(Dispatchers.DefaultBlockingDispatcherId());
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.supplyAsync(this::probe, executor);
  }

  private boolean probe() {
    try (Connection c = DriverManager.getConnection(url, user, password);
         Statement s = c.createStatement()) {
      s.setQueryTimeout(2);
      try (ResultSet r = s.executeQuery("SELECT 1")) {
        return r.next();
      }
    } catch (Exception e) {
      return false;
    }
  }
}
