package dev.rain.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** What the Maven build produces, read from the poms rather than repeated here. */
final class ModulePoms {

    private ModulePoms() {
    }

    static List<String> modules() {
        NodeList modules = read(RepoFiles.resolve("pom.xml")).getElementsByTagName("module");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < modules.getLength(); i++) {
            names.add(modules.item(i).getTextContent().strip());
        }
        return names;
    }

    /** The runnable jar the module's shade execution writes: target/<finalName>.jar. */
    static String runnableJar(String module) {
        NodeList names = read(RepoFiles.resolve(module).resolve("pom.xml")).getElementsByTagName("finalName");
        if (names.getLength() != 1) {
            throw new AssertionError(module + "/pom.xml should name its runnable jar once, names it " + names.getLength() + " times");
        }
        return module + "/target/" + names.item(0).getTextContent().strip() + ".jar";
    }

    private static Document read(Path pom) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(pom.toFile());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pom, e);
        }
    }
}
