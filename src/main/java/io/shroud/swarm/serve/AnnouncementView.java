package io.shroud.swarm.serve;

/**
 * One share's provider announcement as the API shows it. Field names are the JSON names.
 *
 * @param infoHash the share (hex)
 * @param lastAnnounced ISO-8601 time of the last publish attempt, null if none yet
 * @param stored nodes that accepted the last publish
 * @param error why the last publish stored nothing, null otherwise
 */
public record AnnouncementView(String infoHash, String lastAnnounced, int stored, String error) {}
