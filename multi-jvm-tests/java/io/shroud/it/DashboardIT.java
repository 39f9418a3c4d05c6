package io.shroud.it;

import static io.shroud.it.LocalNetwork.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.cli.LocalNode;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web dashboard in a real browser (Debian's headless Chromium through chromedriver and
 * Selenium) on a real five-node network: a share made in one node's dashboard is fetched by
 * magnet link and by {@code .torrent} in another's, with its progress bar reaching 100 % and
 * the SHA-256 appearing; another download is paused and resumed from its buttons; and at a
 * phone-sized window every control of every tab is on screen. The finished page is kept as
 * {@code target/failsafe-reports/dashboard-*.png}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final Path REPORTS = Path.of(System.getProperty("shroud.it.reports", "target/failsafe-reports"));
  static LocalNetwork network;
  static final java.util.Map<Integer, String> UI_ADDRESSES = new java.util.HashMap<>();
  static ChromeDriver browser;
  static Path small;
  static Path large;
  static String smallSha;
  static String largeSha;

  @RegisterExtension
  static NodeLogsOnFailure logs = new NodeLogsOnFailure(() -> network);

  static LocalNode sharer() {
    return network.node(2);
  }

  static LocalNode fetcher() {
    return network.node(5);
  }

  @BeforeAll
  static void start() throws Exception {
    // serving at 4 MiB/s keeps the second download running long enough to be paused by hand
    network = new LocalNetwork("dashboard", 5,
        List.of("-Dshroud.swarm.announce-interval=3s", "-Dshroud.swarm.upload-rate=4194304"));
    network.startAll(Duration.ofSeconds(180));
    for (LocalNode n : network.nodes()) {
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .until(() -> json(n, "/shroud/v1/directory").path("size").asInt() == 5);
    }
    small = network.baseDir().resolve("holiday.bin");
    smallSha = write(small, 6 * 1024 * 1024, 1);
    large = network.baseDir().resolve("archive.bin");
    largeSha = write(large, 24 * 1024 * 1024, 2);
    browser = chromium(1280, 1000);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (network != null) {
      network.close();
    }
  }

  /** A screenshot after every case, passed or failed, as a test artifact. */
  @AfterEach
  void screenshot(org.junit.jupiter.api.TestInfo info) throws Exception {
    if (browser != null) {
      Files.createDirectories(REPORTS);
      Path png = browser.getScreenshotAs(OutputType.FILE).toPath();
      Files.move(png, REPORTS.resolve("dashboard-" + info.getTestMethod().orElseThrow().getName() + ".png"),
          StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static ChromeDriver chromium(int width, int height) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(firstExisting("/usr/bin/chromium", "/usr/bin/chromium-browser"));
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=" + width + "," + height, "--no-first-run", "--no-default-browser-check");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of(firstExisting("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")).toFile())
        .build();
    return new ChromeDriver(service, options);
  }

  static String firstExisting(String... paths) {
    for (String p : paths) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    throw new AssertionError("none of " + List.of(paths) + " is installed (apt-get install chromium chromium-driver)");
  }

  static String write(Path file, int size, long seed) throws Exception {
    byte[] chunk = new byte[1 << 20];
    Random random = new Random(seed);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (var out = Files.newOutputStream(file)) {
      for (int i = 0; i < size / chunk.length; i++) {
        random.nextBytes(chunk);
        sha.update(chunk);
        out.write(chunk);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** Opens a node's dashboard at the address {@code shroud ui} prints for it (the token in the fragment). */
  static void open(LocalNode node, String tab) throws Exception {
    browser.get(uiAddress(node));
    waitFor(Duration.ofSeconds(20)).until(ExpectedConditions.textMatches(By.id("node-status"),
        java.util.regex.Pattern.compile("Up")));
    assertFalse(browser.getCurrentUrl().contains("token"), "the token leaves the address bar at once");
    browser.findElement(By.cssSelector("#tabs a[data-tab=" + tab + "]")).click();
  }

  /** What {@code shroud ui --url … --data-dir …} prints, run from the jar as a user would. */
  static String uiAddress(LocalNode node) throws Exception {
    String known = UI_ADDRESSES.get(node.index());
    if (known != null) {
      return known;
    }
    Path jar = Path.of(System.getProperty("shroud.jar", "target/shroud.jar")).toAbsolutePath();
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        jar.toString(), "ui", "--url", node.managementUrl(), "--data-dir", node.dataDir().toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    assertEquals(0, p.waitFor(), out);
    assertEquals(node.managementUrl() + "/ui/#token=" + node.token().orElseThrow(), out);
    UI_ADDRESSES.put(node.index(), out);
    return out;
  }

  static WebDriverWait waitFor(Duration timeout) {
    WebDriverWait wait = new WebDriverWait(browser, timeout, Duration.ofMillis(200));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  static WebElement downloadCard(String name) {
    return waitFor(Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("#download-list .download")).stream()
        .filter(c -> c.findElement(By.className("name")).getText().equals(name)).findFirst().orElse(null));
  }

  static void awaitComplete(String name, String sha) {
    waitFor(Duration.ofMinutes(3)).until(d -> {
      WebElement card = downloadCard(name);
      if ("FAILED".equals(card.getAttribute("data-state"))) {
        throw new AssertionError("download failed: " + card.getText());
      }
      return "100".equals(card.findElement(By.className("progress")).getAttribute("aria-valuenow"))
          && card.findElement(By.className("sha256-value")).getText().equals(sha);
    });
    WebElement card = downloadCard(name);
    assertEquals("COMPLETE", card.getAttribute("data-state"));
    assertTrue(card.findElement(By.className("sha256")).isDisplayed());
    WebElement map = card.findElement(By.className("piece-map"));
    waitFor(Duration.ofSeconds(10)).until(d -> map.getAttribute("data-done") != null
        && map.getAttribute("data-done").equals(map.getAttribute("data-total")));
  }

  static String shareInBrowser(Path file, boolean isPublic) throws Exception {
    open(sharer(), "shares");
    browser.findElement(By.id("share-path-input")).sendKeys(file.toString());
    if (isPublic) {
      browser.findElement(By.id("share-public-input")).click();
    }
    browser.findElement(By.id("add-share-button")).click();
    WebElement box = waitFor(Duration.ofSeconds(60)).until(ExpectedConditions.visibilityOfElementLocated(By.id("new-link")));
    String link = box.findElement(By.id("new-link-text")).getAttribute("value");
    assertTrue(link.startsWith("magnet:?xt=urn:btmh:1220"), link);
    browser.findElement(By.id("dismiss-link-button")).click();
    waitFor(Duration.ofSeconds(10)).until(d -> d.findElements(By.cssSelector("#share-list .share .name")).stream()
        .anyMatch(e -> e.getText().equals(file.getFileName().toString())));
    return link;
  }

  static void addLink(String link, Path output) {
    browser.findElement(By.id("link-input")).sendKeys(link);
    browser.findElement(By.id("output-input")).sendKeys(output.toString());
    browser.findElement(By.id("add-link-button")).click();
    assertNoErrorShown();
  }

  /** The page's status line shows no refusal from the node. */
  static void assertNoErrorShown() {
    WebElement message = browser.findElement(By.id("message"));
    assertFalse(message.isDisplayed() && message.getAttribute("class").contains("error"), message.getText());
  }

  @Test
  @Order(1)
  void aShareMadeInOneDashboardIsFetchedByMagnetInAnother() throws Exception {
    String link = shareInBrowser(small, true);
    open(fetcher(), "downloads");
    Path output = network.baseDir().resolve("holiday-by-magnet.bin");
    addLink(link, output);
    awaitComplete("holiday.bin", smallSha);
    assertEquals(smallSha, sha256(output));
  }

  @Test
  @Order(2)
  void aDownloadIsPausedAndResumedFromItsButtons() throws Exception {
    String link = shareInBrowser(large, false);
    open(fetcher(), "downloads");
    Path output = network.baseDir().resolve("archive-out.bin");
    addLink(link, output);
    WebElement pause = waitFor(Duration.ofSeconds(20)).until(d -> {
      WebElement b = pausableCard().findElement(By.className("pause"));
      return b.isEnabled() ? b : null;
    });
    pause.click();
    assertNoErrorShown();
    waitFor(Duration.ofSeconds(20)).until(d -> "PAUSED".equals(pausableCard().getAttribute("data-state")));
    String doneWhilePaused = pausableCard().findElement(By.className("progress")).getAttribute("aria-valuenow");
    assertTrue(Integer.parseInt(doneWhilePaused) < 100, "paused before it finished");
    WebElement resume = pausableCard().findElement(By.className("resume"));
    assertTrue(resume.isEnabled());
    resume.click();
    assertNoErrorShown();
    awaitComplete("archive.bin", largeSha);
    assertEquals(largeSha, sha256(output));
  }

  /** The encrypted download's card: its name is known only once the manifest is read, so find it by output path. */
  static WebElement pausableCard() {
    return browser.findElements(By.cssSelector("#download-list .download")).stream()
        .filter(c -> c.findElement(By.className("path")).getText().endsWith("archive-out.bin")).findFirst()
        .orElseThrow(() -> new org.openqa.selenium.NotFoundException("no archive-out.bin card yet"));
  }

  @Test
  @Order(3)
  void aTorrentFileUploadedInTheBrowserIsFetched() throws Exception {
    String infoHash = json(sharer(), "/shroud/v1/shares").path("shares").get(0).path("infoHash").asText();
    HttpResponse<byte[]> torrent = HTTP.send(sharer().request("GET", "/shroud/v1/shares/" + infoHash + "/torrent", null)
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, torrent.statusCode());
    Path file = Files.write(network.baseDir().resolve("holiday.torrent"), torrent.body());
    open(fetcher(), "downloads");
    Path output = network.baseDir().resolve("holiday-by-torrent.bin");
    browser.findElement(By.id("torrent-input")).sendKeys(file.toString());
    browser.findElement(By.id("torrent-output-input")).sendKeys(output.toString());
    browser.findElement(By.id("add-torrent-button")).click();
    waitFor(Duration.ofMinutes(3)).until(d -> Files.exists(output));
    assertEquals(smallSha, sha256(output));
    JsonNode downloads = json(fetcher(), "/shroud/v1/downloads").path("downloads");
    boolean found = false;
    for (JsonNode d : downloads) {
      found |= d.path("outputPath").asText().equals(output.toString()) && d.path("state").asText().equals("COMPLETE");
    }
    assertTrue(found, downloads.toString());
  }

  @Test
  @Order(4)
  void atAPhoneSizedWindowEveryControlIsOnScreen() throws Exception {
    browser.manage().window().setSize(new Dimension(390, 844));
    List<String> missing = new ArrayList<>();
    for (String tab : List.of("downloads", "shares", "circuits", "node")) {
      open(fetcher(), tab);
      waitFor(Duration.ofSeconds(10)).until(d -> d.findElement(By.id(tab)).isDisplayed());
      long viewport = (Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.clientWidth");
      List<WebElement> controls = new ArrayList<>(browser.findElements(By.cssSelector("#tabs a, #logout")));
      controls.addAll(browser.findElements(By.cssSelector("#" + tab + " button, #" + tab + " input, #"
          + tab + " select, #" + tab + " textarea")));
      for (WebElement c : controls) {
        String name = tab + ": " + describe(c);
        if (c.findElements(By.xpath("ancestor-or-self::*[@hidden]")).size() > 0) {
          continue; // e.g. the one-time link box when no link is shown
        }
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", c);
        var r = c.getRect();
        if (!c.isDisplayed() || r.getWidth() <= 0 || r.getX() < 0 || r.getX() + r.getWidth() > viewport) {
          missing.add(name + " at " + r.getX() + "+" + r.getWidth() + " of " + viewport);
        }
      }
      if (tab.equals("downloads")) {
        assertTrue(browser.findElements(By.cssSelector("#download-list .download .pause")).size() >= 3,
            "the phone view lists the downloads with their controls");
      }
    }
    assertTrue(missing.isEmpty(), "controls off screen at 390x844: " + missing);
    assertTrue((Boolean) ((JavascriptExecutor) browser).executeScript(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
        "no sideways scrolling at phone width");
  }

  static String describe(WebElement c) {
    String id = c.getAttribute("id");
    return c.getTagName() + (id == null || id.isEmpty() ? "." + c.getAttribute("class") : "#" + id);
  }

  static String sha256(Path p) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 20];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
