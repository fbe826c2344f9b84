package io.carryover.enrich;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the deterministic summarizer knows about chat language, in English, German, Spanish and French: greetings,
 * fillers, sign-offs, canned auto-replies, holding messages and promises. Patterns match lower-case text with
 * typographic apostrophes made straight ({@link #normalized}).
 */
final class ChatPhrases {

    /** Words that open a greeting on their own: "hi", "hola". */
    private static final Set<String> OPENERS = Set.of("hi", "hii", "hello", "helo", "hallo", "hey", "heya", "hiya",
            "howdy", "yo", "hola", "bonjour", "bonsoir", "salut", "coucou", "servus", "moin", "greetings");
    /** A greeting as "good" + time of day: "good morning", "guten Tag", "buenos días". */
    private static final Set<String> TIME_GREETINGS = Set.of("good", "guten", "buenos", "buenas");
    private static final Set<String> TIMES = Set.of("morning", "afternoon", "evening", "day", "tag", "morgen",
            "abend", "días", "dias", "tardes", "noches");
    /** Who a greeting is addressed to: "hi there", "hello team". */
    private static final Set<String> ADDRESSEES = Set.of("there", "all", "everyone", "team", "dear");

    /** Words a greeting-only message is made of ("hi there", "good morning 👋", "buenos días"). */
    private static final Set<String> GREETING_WORDS = union(OPENERS, TIME_GREETINGS, TIMES, ADDRESSEES);

    /** Words that open a message without saying anything ("again, …", "ok so …", "alors, …", "nochmal: …"). */
    private static final Set<String> FILLERS = Set.of("again", "ok", "okay", "k", "so", "well", "um", "umm", "uh",
            "erm", "hmm", "right", "yes", "yeah", "also", "and", "but", "anyway", "sorry", "just", "nochmal", "noch",
            "mal", "ähm", "äh", "ja", "bueno", "pues", "entonces", "oye", "otra", "vez",
            "alors", "bon", "euh", "donc", "re", "encore");

    private static final Pattern QUESTION_START = regex("^(?:what|when|where|why|how|who|which|can|could|"
            + "will|would|is|are|do|does|did|should|wann|wo|warum|wie|was|kann|können|ist|sind|cuándo|dónde|por qué|"
            + "cómo|qué|puedo|puede|quand|où|pourquoi|comment|est-ce)\\b");

    /** Auto-replies and closing notices: a message with one of these is a template, not an agent's words. */
    private static final Pattern CANNED = regex(
            "will be with you (?:shortly|soon|as soon as)|with you as soon as possible|agents? (?:are|is) "
                    + "(?:currently |all )?(?:busy|unavailable)|you are (?:number )?\\d+ in (?:the )?queue"
                    + "|(?:this|the) (?:chat|conversation) will (?:now )?(?:close|end)|please rate|rate (?:us|this "
                    + "chat|your experience)|thank(?:s| you) for your message|outside (?:of )?(?:our )?(?:opening|"
                    + "business|office) hours|in kürze für sie da|en breve le atender|dans les plus brefs délais");

    /** Sentences that keep the chat going but report nothing: checking, waiting, handing over. */
    private static final Pattern HOLDING = regex(
            "\\blet me (?:check|look|see|have a look|find|transfer|pass|connect)|\\b(?:one|just a|a) moment\\b|"
                    + "\\bbear with me|\\bplease (?:hold|wait)|\\bi(?:'m| am) (?:checking|looking)|"
                    + "\\b(?:transfer|pass|connect)(?:ring|ing)? you (?:to|over|through)|\\bconnecting you|"
                    + "\\bi(?:'ll| will) (?:transfer|pass|connect) you|\\beinen moment|\\bich (?:prüfe|schaue)|"
                    + "\\bun momento|\\bun instant|\\bje (?:vérifie|regarde)");

    /** Pleasantries that close or open a chat without content. */
    private static final Pattern SIGN_OFF = regex(
            "\\banything else|\\bhave a (?:nice|good|great|lovely|wonderful) (?:day|evening|weekend|one)|"
                    + "\\byou(?:'re| are) welcome|\\bmy pleasure|\\bthank(?:s| you) for (?:contacting|reaching out|"
                    + "your patience|waiting|chatting|getting in touch)|\\bglad (?:i could|to) help|\\btake care|"
                    + "\\bgoodbye|\\bhow can i help|\\bwhat can i (?:do|help)|\\bhappy to help|\\bschönen tag|"
                    + "\\bgern geschehen|\\bkann ich sonst|\\bnoch etwas\\b|\\bauf wiedersehen|\\balgo más|"
                    + "\\bque tenga|\\bde nada|\\bgracias por|\\bautre chose|\\bbonne (?:journée|soirée)|"
                    + "\\bje vous en prie");

    /** An agent introducing themselves: "I'm Tom.", "this is Meera, team lead", "Bob from tech here", "Soy Diego." */
    private static final Pattern INTRODUCTION = regex(
            "^(?:(?:i'm|i am|this is|my name is|soy|me llamo|je suis|ich bin|hier ist) [\\p{L}-]+"
                    + "(?:, [\\p{L} -]{1,30})?|[\\p{L}-]+ (?:from [\\p{L} -]{1,30})?(?:here|hier|aquí|ici)"
                    + "|[\\p{L}-]+ from [\\p{L} -]{1,30})[.!]?$");

    /**
     * Someone at the company committing to act after the chat: contact the customer, send something, check back,
     * escalate. One expression per language; the match starts where the quote starts.
     */
    private static final List<Pattern> PROMISES = List.of(
            regex("\\b(?:i|we)\\s*(?:will|'ll|shall|am going to|are going to|'m going to|'re going to)"
                    + "\\s+(?:[\\p{L}']+\\s+){0,3}?(?:e-?mail|mail|call|ring|phone|text|message|send|post|contact|"
                    + "reach out|get back|come back|check back|follow up|follow-up|update you|let you know|write|"
                    + "reply|chase|be in touch)\\b"),
            regex("\\byou(?:'ll| will) (?:hear from|receive|get (?:a|an|the) (?:call|e-?mail|text|"
                    + "letter|confirmation|reply|update))"),
            regex("\\b(?:i|we) (?:have |'ve )?escalat|\\bescalat(?:ed|ing) (?:this|it|your)"),
            regex("\\b(?:get back to you|call you back|follow(?:-| )up|be in touch|get in touch)\\b"),
            regex("\\b(?:ich|wir)\\s+(?:werde|werden|melde|melden|rufe|rufen|schicke|schicken|sende|"
                    + "senden|schreibe|schreiben|informiere|informieren|kontaktiere|kontaktieren)\\b"
                    + "|\\bsie (?:erhalten|hören|bekommen)\\b|\\beskaliert\\b"),
            regex("\\b(?:(?:le|te|les|os|se lo|se la) )?(?:enviaré|enviaremos|llamaré|llamaremos|"
                    + "escribiré|escribiremos|contactaré|contactaremos|avisaré|avisaremos|confirmaré|confirmaremos|"
                    + "mandaré|mandaremos)\\b|\\b(?:me|nos) pondr(?:é|emos) en contacto|\\brecibir(?:á|ás|án)\\b"
                    + "|\\bescalad[oa]\\b"),
            regex("\\b(?:je|nous) (?:vous|te) (?:enverrai|enverrons|rappellerai|rappellerons|"
                    + "recontacterai|recontacterons|contacterai|contacterons|écrirai|écrirons|tiendrai|tiendrons)\\b"
                    + "|\\bvous recevrez\\b|\\b(?:je reviens|nous revenons) vers vous|\\bescaladé"));

    /** What the agent will do before the chat ends is not a follow-up. */
    private static final Pattern IN_CHAT = regex("\\b(?:in a (?:moment|minute|sec(?:ond)?)|right "
            + "(?:back|away|now)|one moment|gleich|sofort|en un momento|enseguida|ahora mismo|dans un instant|"
            + "tout de suite)\\b");

    /** Where a long sentence may be cut before a promise: after ; or :, or before ", and/but/so …". */
    private static final Pattern CLAUSE_BREAK = regex(
            "(?<=[;:])\\s+|,\\s+(?=(?:and|but|so|y|pero|und|aber|et|mais)\\b)");

    private ChatPhrases() {
    }

    /** Unicode classes, so \b also ends a word on "é" or "ü". */
    private static Pattern regex(String expression) {
        return Pattern.compile(expression, Pattern.UNICODE_CHARACTER_CLASS);
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> union = new java.util.HashSet<>();
        for (Set<String> set : sets) {
            union.addAll(set);
        }
        return Set.copyOf(union);
    }

    static String normalized(String text) {
        return Texts.oneLine(text).toLowerCase(Locale.ROOT).replace('’', '\'');
    }

    static List<String> words(String text) {
        String letters = normalized(text).replaceAll("[^\\p{L}\\p{N}'-]+", " ").strip();
        return letters.isEmpty() ? List.of() : List.of(letters.split(" "));
    }

    /** Sentences as a reader would split them, whitespace collapsed. */
    static List<String> sentences(String text) {
        String line = Texts.oneLine(text);
        List<String> sentences = new ArrayList<>();
        BreakIterator breaks = BreakIterator.getSentenceInstance(Locale.ROOT);
        breaks.setText(line);
        for (int start = breaks.first(), end = breaks.next(); end != BreakIterator.DONE;
                start = end, end = breaks.next()) {
            String sentence = line.substring(start, end).strip();
            if (!sentence.isEmpty()) {
                sentences.add(sentence);
            }
        }
        return sentences;
    }

    static boolean greetingOnly(String text) {
        return GREETING_WORDS.containsAll(words(text));
    }

    /** No request in it: greetings and fillers only ("hi", "ok so", "Hello?"). */
    static boolean saysNothing(String text) {
        return words(text).stream().allMatch(w -> GREETING_WORDS.contains(w) || FILLERS.contains(w));
    }

    static boolean isQuestion(String text) {
        String normalized = normalized(text);
        return normalized.contains("?") || normalized.startsWith("¿")
                || QUESTION_START.matcher(normalized).find();
    }

    /** Strips leading greetings and fillers: "again, is my payment sorted now?" asks "is my payment sorted now?". */
    static String withoutOpeners(String text) {
        String[] tokens = Texts.oneLine(text).split(" ");
        int skip = 0;
        while (skip < tokens.length - 1) {
            String word = bare(tokens[skip]);
            if (OPENERS.contains(word) || FILLERS.contains(word) || skip > 0 && ADDRESSEES.contains(word)) {
                skip++;
            } else if (TIME_GREETINGS.contains(word) && skip < tokens.length - 2
                    && TIMES.contains(bare(tokens[skip + 1]))) {
                skip += 2;
            } else {
                break;
            }
        }
        return String.join(" ", List.of(tokens).subList(skip, tokens.length));
    }

    private static String bare(String token) {
        return normalized(token).replaceAll("[^\\p{L}\\p{N}'-]+", "");
    }

    static boolean canned(String text) {
        return CANNED.matcher(normalized(text)).find();
    }

    /** A sentence that reports something in a few words; "Done." answers, but says too little for an outcome. */
    static boolean substantive(String sentence) {
        return words(sentence).size() >= 3 && !chatter(sentence);
    }

    /** Talk around the answer: greetings, introductions, sign-offs, holding lines. */
    static boolean chatter(String sentence) {
        String normalized = normalized(sentence);
        List<String> words = words(sentence);
        if (words.isEmpty() || GREETING_WORDS.containsAll(words) || SIGN_OFF.matcher(normalized).find()
                || HOLDING.matcher(normalized).find()) {
            return true;
        }
        String afterGreeting = withoutOpeners(sentence);
        // "Hi, I'm Tom.", "Hello, Maya from retention.", "Hi, sorry about that!"
        return INTRODUCTION.matcher(normalized(afterGreeting)).find()
                || !afterGreeting.equals(Texts.oneLine(sentence)) && words(afterGreeting).size() <= 2;
    }

    /**
     * Where in {@code sentence} a promise to act after the chat starts: at the clause holding it when the sentence
     * runs on ("…, but …; we will email you as soon as it ships"), else at the sentence start.
     */
    static Optional<Integer> promiseStart(String sentence) {
        String normalized = normalized(sentence);
        if (IN_CHAT.matcher(normalized).find() || !promises(normalized)) {
            return Optional.empty();
        }
        String line = Texts.oneLine(sentence);
        Matcher breaks = CLAUSE_BREAK.matcher(line);
        int clauseStart = 0;
        while (breaks.find()) {
            if (promises(normalized(line.substring(clauseStart, breaks.start())))) {
                return Optional.of(clauseStart);
            }
            clauseStart = breaks.end();
        }
        return Optional.of(clauseStart);
    }

    private static boolean promises(String normalized) {
        return PROMISES.stream().anyMatch(p -> p.matcher(normalized).find());
    }
}
