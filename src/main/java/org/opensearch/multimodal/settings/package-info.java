/** The plugin's settings, all under {@code plugins.multimodal.*}, and the values they take; a leaf: it imports nothing of the plugin. */
package org.opensearch.multimodal.settings;
