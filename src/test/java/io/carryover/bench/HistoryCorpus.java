package io.carryover.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Text for the History API benchmark's seed: customer-service chat lines with a Zipf-distributed vocabulary (a few
 * hundred real words at the head, tens of thousands of product-like words in the tail), so full-text search has both
 * very frequent and rare terms, and lengths that are mostly 20–200 characters with a long tail of long messages.
 * Deterministic for a given random generator.
 */
final class HistoryCorpus {

    /** A word the benchmark searches for as the frequent term: rank 11 of the vocabulary (in about 1 message in 5). */
    static final String FREQUENT_TERM = "order";
    /** Injected into about 50 messages whatever the scale (the chance applies to non-scripted lines, ~60%). */
    static final String RARE_TERM = "zephyrine";
    static final int RARE_TERM_MESSAGES = 80;

    // Head of the vocabulary, roughly by frequency in support chats ('simple' text search keeps stop words too).
    private static final String[] HEAD = ("the i to you a my and is for it order can of in on your me please with "
            + "this have not was we be that account card help thanks payment delivery refund yes no just but if "
            + "at what when how there so do get been will are an from they by all would could here time now any "
            + "one still need want check again know thank ok hi hello sorry let see number email phone address "
            + "today yesterday week days back new last same more also received sent charged twice cancel change "
            + "update password login app website error problem issue working package tracking shipped arrived "
            + "item items product price invoice bill subscription plan upgrade return exchange size colour store "
            + "branch online support agent manager call message reply waiting minutes hours morning afternoon "
            + "evening monday friday weekend store credit balance transfer bank statement pending approved declined "
            + "blocked locked reset code link confirm confirmation details name date reference case ticket status "
            + "damaged missing wrong broken late early free discount voucher coupon points loyalty member "
            + "membership contract fee fees cost costs extra shipping courier driver door parcel box warranty repair "
            + "replacement screen battery charger laptop phone tablet headphones camera printer router internet "
            + "signal outage bill overdue reminder direct debit mortgage loan insurance claim policy renewal quote "
            + "booking flight hotel seat baggage luggage ticket gate delay delayed cancelled rebook voucher").split(" ");

    private static final String[] SYLLABLES = { "ka", "lo", "mi", "ra", "ve", "tor", "zen", "qu", "bri", "dal",
            "fen", "gor", "hux", "jin", "kel", "lum", "mor", "nix", "pal", "rix", "sol", "tam", "ul", "vor", "wex",
            "yan", "zor", "an", "el", "is", "on", "ur", "tra", "pli", "sto", "cre", "dro", "fla", "glo", "ski" };

    private static final String[] FIRST_NAMES = { "Alex", "Sam", "Maria", "Jordan", "Priya", "Chen", "Fatima",
            "Lukas", "Sofia", "Omar", "Hannah", "Mateo", "Aisha", "Noah", "Emma", "Kenji", "Zara", "Ivan", "Lea",
            "Tomasz", "Grace", "Diego", "Nadia", "Ravi", "Elena", "Kofi", "Ines", "Jonas", "Mei", "Arjun" };
    private static final String[] LAST_NAMES = { "Smith", "Garcia", "Müller", "Nguyen", "O'Brien", "Rossi", "Kowalski",
            "Patel", "Kim", "Haddad", "Johansson", "Dubois", "Silva", "Novak", "Okafor", "Tanaka", "Jensen", "López",
            "Cohen", "Ivanova" };

    private static final String[] OPENINGS = {
            "Hi, my order %ORDER% hasn't arrived yet",
            "Hello, I was charged twice for the same order",
            "My card %CARD% was declined at checkout",
            "I can't log in to my account, my email is %EMAIL%",
            "Please call me back on %PHONE% about my refund",
            "Hi there, the parcel arrived damaged",
            "I want to cancel my subscription",
            "Can you change the delivery address on order %ORDER%?",
            "Where is my refund? It's been two weeks",
            "The app keeps showing an error when I pay",
            "Hello, I need a copy of my invoice for %ORDER%",
            "My internet has been down since yesterday",
            "I'd like to upgrade my plan",
            "Good morning, my flight was cancelled and I need to rebook",
            "The direct debit from %IBAN% failed, what now?",
            "Hey, the promo code doesn't work",
            "I received the wrong size, can I exchange it?",
            "Why was my account locked?",
    };

    private static final String[] AGENT_LINES = {
            "Thanks for reaching out, let me look into that for you.",
            "I'm sorry to hear that. Could you confirm your order number?",
            "I can see the payment here, give me a moment to check.",
            "I'll get back to you within 24 hours with an update.",
            "The refund has been approved and should reach your card in 3-5 days.",
            "I've escalated this to our delivery team.",
            "Is there anything else I can help you with today?",
            "Your new password link has been sent to your email.",
            "I've updated the address on the order.",
            "Thanks for your patience, the issue is now resolved.",
    };

    private static final String BOT_GREETING = "Hi! I'm the virtual assistant. Tell me briefly what you need and "
            + "I'll connect you with the right team.";

    private final String[] vocabulary;
    private final double[] cumulative;
    private final String[] agents;

    HistoryCorpus(SplittableRandom random, int tailWords) {
        List<String> words = new ArrayList<>(List.of(HEAD));
        java.util.Set<String> seen = new java.util.HashSet<>(words);
        while (words.size() < HEAD.length + tailWords) {
            int syllables = 2 + random.nextInt(3);
            StringBuilder w = new StringBuilder();
            for (int s = 0; s < syllables; s++) {
                w.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
            }
            if (!w.toString().equals(RARE_TERM) && seen.add(w.toString())) {
                words.add(w.toString());
            }
        }
        vocabulary = words.toArray(String[]::new);
        cumulative = new double[vocabulary.length];
        double sum = 0;
        for (int rank = 0; rank < vocabulary.length; rank++) {
            sum += 1.0 / (rank + 1); // Zipf, exponent 1
            cumulative[rank] = sum;
        }
        agents = new String[300];
        for (int i = 0; i < agents.length; i++) {
            agents[i] = FIRST_NAMES[random.nextInt(FIRST_NAMES.length)] + " "
                    + LAST_NAMES[random.nextInt(LAST_NAMES.length)];
        }
    }

    String agent(SplittableRandom random) {
        // A few agents take most chats.
        return agents[(int) (agents.length * Math.pow(random.nextDouble(), 2))];
    }

    static String botName() {
        return "Virtual Assistant";
    }

    static String botGreeting() {
        return BOT_GREETING;
    }

    /** Target length: 85% 20–200 chars (most near 40–90), 12% 200–600, 3% 600–4,000. */
    static int length(SplittableRandom random) {
        double r = random.nextDouble();
        if (r < 0.85) {
            return 20 + (int) (180 * Math.pow(random.nextDouble(), 1.8));
        }
        if (r < 0.97) {
            return 200 + random.nextInt(400);
        }
        return 600 + random.nextInt(3400);
    }

    /** A customer's opening line, raw (as archived) and redacted (as a summary quotes it). */
    record Opening(String raw, String redacted) {
    }

    Opening opening(SplittableRandom random) {
        String template = OPENINGS[random.nextInt(OPENINGS.length)];
        String order = "A" + (1_000_000 + random.nextInt(9_000_000));
        String raw = template.replace("%ORDER%", order)
                .replace("%CARD%", luhnCard(random))
                .replace("%EMAIL%", "user" + random.nextInt(100_000) + "@example.com")
                .replace("%PHONE%", "+44 7700 9" + (10_000 + random.nextInt(89_999)))
                .replace("%IBAN%", "GB82 WEST 1234 5698 7654 32");
        String redacted = template.replace("%ORDER%", order).replace("%CARD%", "[card]")
                .replace("%EMAIL%", "[email]").replace("%PHONE%", "[phone]").replace("%IBAN%", "[iban]");
        StringBuilder text = new StringBuilder(raw);
        int target = length(random);
        if (text.length() < target) {
            text.append(". ");
            fill(random, text, target);
        }
        return new Opening(text.toString(), redacted);
    }

    String customerLine(SplittableRandom random, double rareTermChance) {
        StringBuilder text = new StringBuilder();
        fill(random, text, length(random));
        if (random.nextDouble() < rareTermChance) {
            text.append(" ").append(RARE_TERM);
        }
        return text.toString();
    }

    String agentLine(SplittableRandom random, double rareTermChance) {
        StringBuilder text = new StringBuilder(AGENT_LINES[random.nextInt(AGENT_LINES.length)]);
        int target = length(random);
        if (text.length() < target) {
            text.append(' ');
            fill(random, text, target);
        }
        if (random.nextDouble() < rareTermChance) {
            text.append(" ").append(RARE_TERM);
        }
        return text.toString();
    }

    static String quote(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    /** Zipf-distributed words up to {@code target} characters, in sentences. */
    private void fill(SplittableRandom random, StringBuilder text, int target) {
        boolean sentenceStart = text.length() == 0 || text.charAt(text.length() - 1) == ' ';
        int inSentence = 0;
        while (text.length() < target) {
            String word = vocabulary[rank(random)];
            if (text.length() > 0 && text.charAt(text.length() - 1) != ' ') {
                text.append(' ');
            }
            if (sentenceStart) {
                text.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
                sentenceStart = false;
            } else {
                text.append(word);
            }
            inSentence++;
            if (inSentence > 5 && random.nextInt(8) == 0) {
                int p = random.nextInt(10);
                text.append(p < 7 ? "." : p < 9 ? "?" : "!");
                sentenceStart = true;
                inSentence = 0;
            } else if (random.nextInt(14) == 0) {
                text.append(',');
            }
        }
    }

    private int rank(SplittableRandom random) {
        double x = random.nextDouble() * cumulative[cumulative.length - 1];
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** A Luhn-valid 16-digit test card number, so the redactor would recognise it. */
    private static String luhnCard(SplittableRandom random) {
        int[] digits = new int[16];
        digits[0] = 4;
        for (int i = 1; i < 15; i++) {
            digits[i] = random.nextInt(10);
        }
        int sum = 0;
        for (int i = 0; i < 15; i++) {
            int d = digits[14 - i];
            if (i % 2 == 0) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        digits[15] = (10 - sum % 10) % 10;
        StringBuilder card = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            if (i > 0 && i % 4 == 0) {
                card.append(' ');
            }
            card.append(digits[i]);
        }
        return card.toString();
    }
}
